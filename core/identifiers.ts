/**
 * Deterministic identifiers. The SDK does NOT fill ClientToken for CreatePersistentContactAssociation
 * (docs/sources.md#clienttoken-is-not-filled-for-cpca), so chatline derives one from what the
 * association is: the same instance, new contact and plan always give the same token, on every
 * retry and every duplicate.
 */
import { createHash } from 'node:crypto';
import type { ChatlineInputEvent } from './schemas';
import { instanceIdFromArn } from './schemas';

export type RehydrationType = 'ENTIRE_PAST_SESSION' | 'FROM_SEGMENT';

function sha256Hex(parts: readonly string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(`${p.length}:${p};`);
  return h.digest('hex');
}

/** `chatline-` + 32 hex characters: well inside the 500-character ClientToken limit. */
export function deriveClientToken(input: {
  instanceId: string;
  contactId: string;
  rehydrationType: RehydrationType;
  sourceContactId: string;
}): string {
  return `chatline-${sha256Hex(['cpca', input.instanceId, input.contactId, input.rehydrationType, input.sourceContactId]).slice(0, 32)}`;
}

/**
 * The resume-chat execution name for a returning contact. Standard workflows keep names unique
 * for 90 days, so both ways a return is detected start at most one execution. Names allow
 * 1-80 characters of [A-Za-z0-9-_].
 */
export function resumeExecutionName(instanceId: string, contactId: string): string {
  return `resume-${sha256Hex(['resume', instanceId, contactId]).slice(0, 40)}`;
}

/** The key that makes a processed event a duplicate (Connect: dedupe on contactId + eventType). */
export function contactEventKey(instanceId: string, contactId: string, eventType: string, eventId: string): string {
  return eventType === 'CONTACT_DATA_UPDATED' ? `event/${eventId}` : `contact/${instanceId}/${contactId}/${eventType}`;
}

/** The dedup key of a parsed input event: contact events by contact and type, app events by id. */
export function dedupKey(input: ChatlineInputEvent): string {
  if (input.kind === 'returned') return `event/${input.event.id}`;
  const d = input.event.detail;
  return contactEventKey(instanceIdFromArn(d.instanceArn), d.contactId, d.eventType, input.event.id);
}
