import {
  AgentIdSchema,
  MAX_SYNC_IDS,
  RESERVATION_SID,
  ReservationSidSchema,
  SegmentIdSchema,
  splitIdList,
  type SyncTargetInput,
} from '../../../src-preload/contract.ts';
import type { ZodType } from 'zod';

/**
 * What the search bar's pasted IDs are. A WR… SID is a reservation whatever the reviewer says;
 * every other ID (segment and agent IDs are both UUIDs) takes the kind the reviewer chose.
 */
export type ChosenKind = 'segments' | 'agents' | 'conversations';
export type IdKind = 'segment' | 'agent' | 'reservation' | 'conversation';

export const CHOSEN_KINDS: ReadonlyArray<{ value: ChosenKind; label: string; title: string }> = [
  { value: 'segments', label: 'Segments', title: 'Sync the assessments and comments of these segments' },
  {
    value: 'agents',
    label: 'Agents',
    title: 'Sync every segment these agents were assessed or commented on',
  },
  {
    value: 'conversations',
    label: 'Conversations',
    title: 'Sync the whole conversation each of these segments belongs to',
  },
];

const KIND_OF: Record<ChosenKind, IdKind> = {
  segments: 'segment',
  agents: 'agent',
  conversations: 'conversation',
};

export interface ParsedId {
  value: string;
  kind: IdKind;
}

export interface InvalidId {
  value: string;
  reason: string;
}

export interface ParsedIds {
  /** Distinct tokens pasted, valid or not. */
  count: number;
  valid: ParsedId[];
  invalid: InvalidId[];
  /** Valid IDs whose kind the shape does not tell (they follow the chosen kind). */
  ambiguous: number;
  /** Set when a kind has more IDs than one sync takes. */
  tooMany: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TWILIO_SID = /^([A-Z]{2})[0-9a-fA-F]{32}$/;
/** Something a reviewer meant as a reservation SID but mistyped or cut short. */
const RESERVATION_LIKE = /^WR[0-9a-f]*$/i;

/** Twilio SIDs people paste by mistake, and what they are. */
const OTHER_SIDS: Record<string, string> = {
  AC: 'an Account SID',
  FM: 'an assessment or comment SID',
  GM: 'a questionnaire SID',
  GE: 'a question SID',
  FY: 'a category SID',
  WT: 'a task SID',
  WK: 'a worker SID',
  CA: 'a call SID',
  SK: 'an API Key SID',
};

export const isUuid = (value: string): boolean => UUID.test(value);
/** Whether a token's shape tells what it is (so it never needs the kind chooser or a typeahead). */
export const isIdShaped = (value: string): boolean =>
  UUID.test(value) || RESERVATION_SID.test(value) || TWILIO_SID.test(value);

function classify(token: string, chosen: ChosenKind): ParsedId | InvalidId {
  if (RESERVATION_SID.test(token)) return { value: token, kind: 'reservation' };
  if (RESERVATION_LIKE.test(token)) {
    const length = token.length - 2;
    return { value: token, reason: `${firstIssue(ReservationSidSchema, token)} This one has ${length}.` };
  }
  const sid = TWILIO_SID.exec(token);
  if (sid) {
    const what = OTHER_SIDS[sid[1]!] ?? `a Twilio ${sid[1]}… SID`;
    return { value: token, reason: `This is ${what}, not a segment, agent or reservation ID.` };
  }
  const schema = chosen === 'agents' ? AgentIdSchema : SegmentIdSchema;
  const checked = schema.safeParse(token);
  if (!checked.success) return { value: token, reason: firstIssue(schema, token) };
  return { value: token, kind: KIND_OF[chosen] };
}

function firstIssue(schema: ZodType<string>, value: string): string {
  const result = schema.safeParse(value);
  return result.success ? '' : (result.error.issues[0]?.message ?? 'Not a valid ID.');
}

/** Splits pasted text (any separators, duplicates removed) and checks every ID against its kind. */
export function parseIds(text: string, chosen: ChosenKind): ParsedIds {
  const tokens = splitIdList(text);
  const valid: ParsedId[] = [];
  const invalid: InvalidId[] = [];
  let ambiguous = 0;
  for (const token of tokens) {
    const item = classify(token, chosen);
    if ('reason' in item) invalid.push(item);
    else {
      valid.push(item);
      if (item.kind !== 'reservation') ambiguous++;
    }
  }
  const perKind = countByKind(valid);
  const over = (Object.entries(perKind) as Array<[IdKind, number]>).find(([, n]) => n > MAX_SYNC_IDS);
  const tooMany = over
    ? `${over[1].toLocaleString()} ${KIND_WORDS[over[0]][1]} is more than one sync takes (${MAX_SYNC_IDS.toLocaleString()}). Split the list.`
    : null;
  return { count: tokens.length, valid, invalid, ambiguous, tooMany };
}

export const KIND_WORDS: Record<IdKind, [string, string]> = {
  segment: ['segment', 'segments'],
  agent: ['agent', 'agents'],
  reservation: ['reservation', 'reservations'],
  conversation: ['conversation', 'conversations'],
};

export function countByKind(ids: readonly ParsedId[]): Record<IdKind, number> {
  const counts: Record<IdKind, number> = { segment: 0, agent: 0, reservation: 0, conversation: 0 };
  for (const id of ids) counts[id.kind]++;
  return counts;
}

/** "37 IDs · 30 segments · 7 reservations" */
export function summaryOf(parsed: ParsedIds, pickedAgents = 0): string {
  const counts = countByKind(parsed.valid);
  counts.agent += pickedAgents;
  const parts = (Object.keys(counts) as IdKind[])
    .filter((kind) => counts[kind] > 0)
    .map((kind) => countText(counts[kind], KIND_WORDS[kind]));
  const head = parsed.count > 0 ? [countText(parsed.count, ['ID', 'IDs'])] : [];
  if (parsed.invalid.length) parts.push(`${parsed.invalid.length.toLocaleString()} not valid`);
  return [...head, ...parts].join(' · ');
}

export function countText(n: number, [one, many]: readonly [string, string]): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

/** The sync target for the valid IDs and the agents picked by name. */
export function targetOf(parsed: ParsedIds, pickedAgentIds: readonly string[] = []): SyncTargetInput {
  const of = (kind: IdKind): string[] => parsed.valid.filter((id) => id.kind === kind).map((id) => id.value);
  const agents = [...new Set([...of('agent'), ...pickedAgentIds])];
  return {
    segments: of('segment'),
    agents,
    reservations: of('reservation'),
    conversations: of('conversation'),
  };
}

/** Whether a target names anything (the contract refuses an empty one). */
export function targetSize(target: SyncTargetInput): number {
  return (
    (target.segments?.length ?? 0) +
    (target.agents?.length ?? 0) +
    (target.reservations?.length ?? 0) +
    (target.conversations?.length ?? 0)
  );
}

/** The text without its invalid IDs (comma-separated: the search bar is one line). */
export function withoutInvalid(text: string, parsed: ParsedIds): string {
  const bad = new Set(parsed.invalid.map((i) => i.value));
  return splitIdList(text)
    .filter((token) => !bad.has(token))
    .join(', ');
}

/** Pasted text for a one-line field: line breaks and tabs (a spreadsheet column) become commas. */
export function oneLine(pasted: string): string {
  return pasted.trim().replace(/\s*[\r\n\t]+\s*/g, ', ');
}

/**
 * The entry being typed: the text after the last line break, comma, semicolon or tab. A name
 * ("Ana López") has spaces, so spaces do not end an entry here (they do for ID lists).
 */
export function currentEntry(text: string): { start: number; term: string } {
  const match = /[\n\r\t,;|]/g;
  let start = 0;
  for (let m = match.exec(text); m; m = match.exec(text)) start = m.index + 1;
  return { start, term: text.slice(start).trim() };
}
