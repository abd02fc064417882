/**
 * What a replay does with one line, decided before anything runs: reject it (with a reason it
 * keeps in the rejected store), ignore it (a well-formed EventBridge event no chatline rule
 * matches, as the bus would ignore it), or deliver it. Every check is bounded by the line's size,
 * so no line can hang or crash the replay.
 */
import { CUSTOMER_RETURNED_DETAIL_TYPE } from '../core/constants';
import { InvalidEventError } from '../core/errors';
import { jsonValueProblem } from '../core/json-input';
import { parseInputEvent } from '../core/schemas';
import type { EventEnvelope } from '../local/bus';

export type Screened =
  | { readonly kind: 'rejected'; readonly reason: string }
  | { readonly kind: 'ignored'; readonly reason: string }
  | { readonly kind: 'deliver'; readonly event: EventEnvelope; readonly contactId: string };

/**
 * Screens one line. `matchingRules` says which bus rules an envelope matches (the rules the CDK
 * stack deploys); an envelope that matches one must also validate, or it is rejected.
 */
export function screenLine(text: string, matchingRules: (event: EventEnvelope) => readonly string[]): Screened {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { kind: 'rejected', reason: `not JSON: ${(err as Error).message}` };
  }
  const problem = jsonValueProblem(value);
  if (problem) return { kind: 'rejected', reason: problem };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { kind: 'rejected', reason: 'not an EventBridge event: expected a JSON object' };
  const e = value as Record<string, unknown>;
  const missing = ['source', 'detail-type'].filter((k) => typeof e[k] !== 'string' || (e[k] as string).length === 0);
  if (typeof e['detail'] !== 'object' || e['detail'] === null || Array.isArray(e['detail'])) missing.push('detail (an object)');
  if (missing.length > 0) return { kind: 'rejected', reason: `not an EventBridge event: no ${missing.join(', ')}` };
  const source = e['source'] as string;
  const detailType = e['detail-type'] as string;
  // Only AWS services emit aws.* sources: PutEvents refuses them from anyone else ("The source
  // can't start with the aws. prefix", EventBridge PutEvents target parameters). An app event
  // under aws.connect is a forgery, or a recording mistake; either way it is not replayed.
  if (detailType === CUSTOMER_RETURNED_DETAIL_TYPE && source.startsWith('aws.')) {
    return { kind: 'rejected', reason: `an app event ("${CUSTOMER_RETURNED_DETAIL_TYPE}") under source ${source}: aws.* sources are reserved for AWS services` };
  }
  const event = value as EventEnvelope;
  const rules = matchingRules(event);
  if (rules.length === 0) return { kind: 'ignored', reason: `no rule matches source ${source}, detail-type ${detailType}` };
  try {
    parseInputEvent(event);
  } catch (err) {
    if (err instanceof InvalidEventError) return { kind: 'rejected', reason: err.reason };
    throw err;
  }
  const contactId = (event.detail as { contactId: string }).contactId;
  return { kind: 'deliver', event, contactId };
}
