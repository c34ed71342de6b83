/**
 * Twilio's own figure per assessment: Segments reports `assessment_type` (questionnaire names) and
 * `assessment_percentage`, one entry per assessment of the segment, without saying which entry is
 * which assessment. They are matched by questionnaire name, and among assessments with the same
 * questionnaire by order: the k-th entry naming a questionnaire goes to the k-th assessment of it
 * in list order (the order its first record arrived from the Assessments list).
 */

const parseJson = (text: string | null): unknown => {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
};

/** A percentage as Segments sends it: a number, or a numeric string; anything else is unknown. */
function percentage(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

/**
 * The reported percentage of each assessment (given by its questionnaire name, in list order), or
 * null where Segments reports none for it. `types` and `percentages` are the stored JSON arrays.
 */
export function matchTwilio(
  types: string | null,
  percentages: string | null,
  questionnaires: ReadonlyArray<string | null>,
): Array<number | null> {
  const names = parseJson(types);
  const values = parseJson(percentages);
  const queues = new Map<string, Array<number | null>>();
  if (Array.isArray(names) && Array.isArray(values)) {
    names.forEach((name, i) => {
      if (typeof name !== 'string') return;
      const queue = queues.get(name) ?? [];
      queue.push(percentage(values[i]));
      queues.set(name, queue);
    });
  }
  return questionnaires.map((name) => (name === null ? null : (queues.get(name)?.shift() ?? null)));
}
