/**
 * Timestamps at the edge: strict ISO-8601 date-times (RFC 3339 profile, as Connect and
 * EventBridge write them: `2021-08-04T17:43:48Z`, `2021-08-04T17:43:48.123Z`, or an offset
 * `+02:00`), a real calendar day, and an instant in [2000, 2100). Everything else — `"1"`,
 * `"March 7 2021"`, `2021-02-30`, year 10000 — is refused, so that every instant chatline keeps
 * normalizes to one `toISOString()` form and compares correctly as text.
 */

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/;

/** The instants chatline accepts: Amazon Connect launched in 2017; nothing it sends is older or a century away. */
export const EARLIEST_INSTANT_MS = Date.UTC(2000, 0, 1);
export const LATEST_INSTANT_MS = Date.UTC(2100, 0, 1);

/** Epoch ms of a strict ISO-8601 date-time in range, or a reason it is not one. */
export function parseIsoInstant(text: string): { ms: number } | { reason: string } {
  const m = ISO_DATE_TIME.exec(text);
  if (!m) return { reason: `not an ISO-8601 date-time (expected like 2021-08-04T17:43:48Z): ${JSON.stringify(text.slice(0, 40))}` };
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const daysInMonth = month >= 1 && month <= 12 ? new Date(Date.UTC(year, month, 0)).getUTCDate() : 0;
  if (day < 1 || day > daysInMonth) return { reason: `not a calendar date: ${text.slice(0, 10)}` };
  if (hour > 23 || minute > 59 || second > 59) return { reason: `not a time of day: ${text.slice(11, 19)}` };
  const offsetHours = m[9] === undefined ? 0 : Number(m[9]);
  const offsetMinutes = m[10] === undefined ? 0 : Number(m[10]);
  if (offsetHours > 23 || offsetMinutes > 59) return { reason: `not a UTC offset: ${m[8]}` };
  const ms = Date.parse(text);
  return inRange(ms) ?? { ms };
}

/** Epoch ms `ms` if it is an instant chatline accepts, else the reason. */
export function checkInstant(ms: number): { ms: number } | { reason: string } {
  return inRange(ms) ?? { ms };
}

function inRange(ms: number): { reason: string } | undefined {
  if (!Number.isFinite(ms) || ms < EARLIEST_INSTANT_MS || ms >= LATEST_INSTANT_MS) return { reason: 'timestamp outside the accepted range 2000-01-01 to 2100-01-01' };
  return undefined;
}

/**
 * A Wait state's TimestampPath value for "not before epoch ms `ms`": Step Functions "considers the
 * time value up to seconds and truncates milliseconds" (ASL Wait state), so a Wait until
 * 10:00:00.700 would end at 10:00:00, before the slot it was given. Rounded up to the next whole
 * second, it never ends early.
 */
export function waitTimestamp(ms: number): string {
  return new Date(Math.ceil(ms / 1000) * 1000).toISOString();
}
