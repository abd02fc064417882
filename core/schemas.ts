/**
 * Event schemas at the edge. Connect's `detail` is camelCase; unknown fields are kept and ignored,
 * as the Admin Guide asks consumers to do ("ignore newly added fields").
 */
import { z } from 'zod';
import { CONNECT_EVENT_SOURCE, CONTACT_EVENT_DETAIL_TYPE, CUSTOMER_RETURNED_DETAIL_TYPE } from './constants';
import { InvalidEventError } from './errors';
import { checkInstant, parseIsoInstant } from './iso-time';
import { MAX_EVENT_DEPTH, nestsDeeperThan } from './json-depth';

const id = z.string().min(1).max(256);
/** `arn:<partition>:connect:<region>:<account>:instance/<instance id>`, with a real region and a 12-digit account. */
const INSTANCE_ARN = /^arn:aws(-[a-z]+)*:connect:[a-z]{2}(-[a-z]+)+-\d{1,2}:\d{12}:instance\/[A-Za-z0-9-]{1,100}$/;
const isoTime = z.string().superRefine((s, ctx) => {
  const parsed = parseIsoInstant(s);
  if ('reason' in parsed) ctx.addIssue({ code: 'custom', message: parsed.reason });
});

export const contactEventDetailSchema = z.looseObject({
  eventType: z.string().min(1),
  contactId: id,
  channel: z.string().min(1),
  instanceArn: z.string().regex(INSTANCE_ARN, 'not a Connect instance ARN (arn:aws:connect:<region>:<12-digit account>:instance/<id>)'),
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
  const parsed = typeof t === 'number' ? checkInstant(t * 1000) : parseIsoInstant(t);
  if ('reason' in parsed) {
    ctx.addIssue({ code: 'custom', message: parsed.reason });
    return z.NEVER;
  }
  return new Date(parsed.ms).toISOString();
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
  if (nestsDeeperThan(raw, MAX_EVENT_DEPTH)) throw new InvalidEventError(`(event): nests JSON deeper than ${MAX_EVENT_DEPTH} levels`);
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
