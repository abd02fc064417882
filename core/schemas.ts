/**
 * Event schemas at the edge. Connect's `detail` is camelCase; unknown fields are kept and ignored,
 * as the Admin Guide asks consumers to do ("ignore newly added fields").
 */
import { z } from 'zod';
import { CONNECT_EVENT_SOURCE, CONTACT_EVENT_DETAIL_TYPE, CUSTOMER_RETURNED_DETAIL_TYPE } from './constants';
import { InvalidEventError } from './errors';

const id = z.string().min(1).max(256);

/**
 * The instants chatline accepts: 1970-01-01 up to (not including) 2100-01-01. Connect fills unset
 * timestamps with the epoch ("1970-01-01T00:00:00.001Z" in the Admin Guide's samples); anything
 * past 2100 is a typo or an attack (a year-10000 time would sort before 2026 as text).
 */
export const EARLIEST_INSTANT_MS = 0;
export const LATEST_INSTANT_MS = Date.UTC(2100, 0, 1);

/** RFC 3339 date-time, as Connect and EventBridge write it: seconds required, fraction and Z or ±hh:mm offset. */
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * Strict ISO-8601 (RFC 3339) text → epoch ms, or undefined: no calendar overflow (2021-02-30),
 * no free text ("March 7 2021"), no bare numbers ("1"), no year past 9999, and within
 * [EARLIEST_INSTANT_MS, LATEST_INSTANT_MS). Compare instants with this, never the text.
 */
export function parseIsoInstant(text: string): number | undefined {
  const m = ISO_INSTANT.exec(text);
  if (!m) return undefined;
  // Read by index, not m.slice().map(Number): this runs several times for every event.
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (m[8] !== 'Z') {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const ms = Date.UTC(year, month - 1, day, hour, minute, second) + fractionMs(m[7]) - offsetMinutes * 60_000;
  return ms >= EARLIEST_INSTANT_MS && ms < LATEST_INSTANT_MS ? ms : undefined;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number);
}

/** The milliseconds of a fraction's digits, truncated as Date.parse truncates ("5" → 500, "123456" → 123). */
function fractionMs(digits: string | undefined): number {
  if (digits === undefined) return 0;
  return Number(digits.length >= 3 ? digits.slice(0, 3) : digits.padEnd(3, '0'));
}

/** `arn:<partition>:connect:<region>:<12-digit account>:instance/<id>`, the shape Connect writes (ids are 1-100 characters). */
export const INSTANCE_ARN = /^arn:aws(?:-cn|-us-gov|-iso[a-z-]*)?:connect:[a-z]{2}(?:-[a-z]+)+-\d{1,2}:\d{12}:instance\/[A-Za-z0-9-]{1,100}$/;

const isoTime = z.string().refine((s) => parseIsoInstant(s) !== undefined, 'not an ISO-8601 timestamp between 1970 and 2100 (e.g. 2024-05-01T10:05:00.000Z)');

export const contactEventDetailSchema = z.looseObject({
  eventType: z.string().min(1),
  contactId: id,
  channel: z.string().min(1),
  instanceArn: z.string().regex(INSTANCE_ARN, 'not a Connect instance ARN'),
  initiationMethod: z.string().optional(),
  initialContactId: id.optional(),
  previousContactId: id.optional(),
  relatedContactId: id.optional(),
  customerId: z.string().min(1).max(128).optional(),
  initiationTimestamp: isoTime.optional(),
  disconnectTimestamp: isoTime.optional(),
  agentInfo: z.looseObject({ agentArn: z.string().optional() }).optional(),
});
export type ContactEventDetail = z.infer<typeof contactEventDetailSchema>;

const envelopeBase = {
  version: z.string().optional(),
  id: z.string().min(1),
  account: z.string().optional(),
  time: isoTime,
  region: z.string().optional(),
  resources: z.array(z.string()).optional(),
};

export const contactEventSchema = z.looseObject({
  ...envelopeBase,
  source: z.literal(CONNECT_EVENT_SOURCE),
  'detail-type': z.literal(CONTACT_EVENT_DETAIL_TYPE),
  detail: contactEventDetailSchema,
});
export type ContactEvent = z.infer<typeof contactEventSchema>;

/** A timestamp as DescribeContact gives it: epoch seconds on the wire, ISO text once serialized. */
const describedTime = z.union([z.number(), z.string()]).transform((t, ctx) => {
  const ms = typeof t === 'number' ? t * 1000 : parseIsoInstant(t);
  if (ms === undefined || !Number.isFinite(ms) || ms < EARLIEST_INSTANT_MS || ms >= LATEST_INSTANT_MS) {
    ctx.addIssue({ code: 'custom', message: 'not a timestamp' });
    return z.NEVER;
  }
  return new Date(ms).toISOString();
});

/** The `Contact` of a DescribeContact answer (PascalCase), as far as the lineage needs it. */
export const describedContactSchema = z.looseObject({
  Id: id,
  Channel: z.string().optional(),
  InitiationMethod: z.string().optional(),
  InitialContactId: id.optional(),
  PreviousContactId: id.optional(),
  RelatedContactId: id.optional(),
  CustomerId: z.string().min(1).max(128).optional(),
  InitiationTimestamp: describedTime.optional(),
  DisconnectTimestamp: describedTime.optional(),
});
export type DescribedContact = z.infer<typeof describedContactSchema>;

export const REHYDRATION_POLICIES = ['auto', 'entire-session', 'from-segment'] as const;
export type RehydrationPolicy = (typeof REHYDRATION_POLICIES)[number];

export const customerReturnedDetailSchema = z
  .looseObject({
    instanceId: z.string().min(1).max(100),
    contactId: id,
    previousContactId: id.optional(),
    customerId: z.string().min(1).max(128).optional(),
    rehydration: z.enum(REHYDRATION_POLICIES).optional(),
  })
  .refine((d) => d.previousContactId !== undefined || d.customerId !== undefined, {
    message: 'needs previousContactId or customerId',
  })
  .refine((d) => d.previousContactId !== d.contactId, { message: 'previousContactId equals contactId' });
export type CustomerReturnedDetail = z.infer<typeof customerReturnedDetailSchema>;

export const customerReturnedEventSchema = z.looseObject({
  ...envelopeBase,
  source: z.string().min(1),
  'detail-type': z.literal(CUSTOMER_RETURNED_DETAIL_TYPE),
  detail: customerReturnedDetailSchema,
});
export type CustomerReturnedEvent = z.infer<typeof customerReturnedEventSchema>;

export type ChatlineInputEvent =
  | { kind: 'contact'; event: ContactEvent }
  | { kind: 'returned'; event: CustomerReturnedEvent };

/** Parses an EventBridge envelope into one of the two inputs, or throws InvalidEventError. */
export function parseInputEvent(raw: unknown): ChatlineInputEvent {
  const detailType = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)['detail-type'] : undefined;
  if (detailType === CONTACT_EVENT_DETAIL_TYPE) return { kind: 'contact', event: parseWith(contactEventSchema, raw) };
  if (detailType === CUSTOMER_RETURNED_DETAIL_TYPE) {
    return { kind: 'returned', event: parseWith(customerReturnedEventSchema, raw) };
  }
  throw new InvalidEventError(
    `unsupported detail-type ${JSON.stringify(detailType)}: expected "${CONTACT_EVENT_DETAIL_TYPE}" or "${CUSTOMER_RETURNED_DETAIL_TYPE}"`,
  );
}

function parseWith<T>(schema: z.ZodType<T>, raw: unknown): T {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  throw new InvalidEventError(describeIssues(result.error, '(event)'), { cause: result.error });
}

/** A validation failure as one readable line: `path: message; path: message`. */
export function describeIssues(error: z.ZodError, root: string): string {
  return error.issues.map((i) => `${i.path.join('.') || root}: ${i.message}`).join('; ');
}

/** `arn:aws:connect:<region>:<account>:instance/<id>` → `<id>`. */
export function instanceIdFromArn(instanceArn: string): string {
  const id = instanceArn.split('/')[1];
  if (!id) throw new InvalidEventError(`not a Connect instance ARN: ${instanceArn}`);
  return id;
}
