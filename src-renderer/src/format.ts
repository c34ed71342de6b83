/** "AC1234…cdef" style shortening for long IDs: the prefix and tail people recognise. */
export function shortenId(id: string, head = 2, tail = 4): string {
  return id.length <= head + tail + 1 ? id : `${id.slice(0, head)}…${id.slice(-tail)}`;
}

const TIME = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const DATE_TIME = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

const sameDay = (a: Date, b: Date): boolean =>
  a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();

/** "12:04" today, "3 Mar 2025, 12:04" otherwise, in the reviewer's locale and time zone. */
export function clockText(ms: number, now: Date = new Date()): string {
  const date = new Date(ms);
  return sameDay(date, now) ? TIME.format(date) : DATE_TIME.format(date);
}

/** A date and time in the reviewer's locale. */
export function dateTimeText(ms: number): string {
  return DATE_TIME.format(new Date(ms));
}

/** "2025-03-03 11:04 UTC": the hover text beside every local time. */
export function utcText(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Epoch ms of an ISO 8601 date, or null when it does not parse. */
export function isoToMs(iso: string | null): number | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}
