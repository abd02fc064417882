/**
 * Failures in plain words: a failed or stuck resumption's reason (the ledger's reason, or the
 * error of its Step Functions execution) sorted into the few things that actually go wrong, each
 * with what it means and what to do. Pure. The first rule that matches wins; the reason text
 * itself is always kept next to the group.
 */

export interface FailureKind {
  readonly key: string;
  readonly title: string;
  readonly explanation: string;
  /** Whether redriving (same ClientToken) can help. */
  readonly redrivable: boolean;
}

const KINDS: readonly (FailureKind & { readonly match: RegExp })[] = [
  {
    key: 'throttled',
    title: 'Throttled by Connect',
    explanation:
      'Connect refused every attempt with a throttle (CreatePersistentContactAssociation allows 5 calls/s, burst 8, per account and Region, shared with every other caller). Nothing was associated; redrive once the load has passed.',
    redrivable: true,
    match: /Throttl|TooManyRequests|LimitExceeded|Rate exceeded/i,
  },
  {
    key: 'connect-error',
    title: 'Connect failed or did not answer',
    explanation:
      'Connect answered with a server error or did not answer in time on every attempt. The call carries the same ClientToken on a redrive, so a call that did commit is not made twice.',
    redrivable: true,
    match: /InternalServiceException|ConnectException|SdkClientException|States\.Timeout|TimedOut|timed out|ECONNREFUSED|socket hang up/i,
  },
  {
    key: 'contact-not-active',
    title: 'The new chat was no longer active',
    explanation: 'The returning chat had already ended when chatline associated it: Connect only continues an active chat. Nothing to redrive; the customer left.',
    redrivable: false,
    match: /is not active|no longer active|ended before/i,
  },
  {
    key: 'past-not-ended',
    title: 'Connect said the past chat had not ended',
    explanation:
      'Connect only rehydrates an ended chat, and its transcripts appear 30-60 s after the end. The lineage thought the past session had ended (an event late or missing). Redrive once the past chat has ended.',
    redrivable: true,
    match: /has not ended|not ended|not been ended/i,
  },
  {
    key: 'unknown-contact',
    title: 'Connect does not know a contact',
    explanation: 'Connect answered ResourceNotFound: the new or the past contact is not in this instance (wrong instance, or a contact id from another stack). Redriving gives the same answer.',
    redrivable: false,
    match: /ResourceNotFound|not found/i,
  },
  {
    key: 'already-persistent',
    title: 'The chat was already continued',
    explanation: 'The returning chat is already a persistent chat (someone associated it, or it was started with PersistentChat). Nothing to do.',
    redrivable: false,
    match: /already a persistent|already persistent/i,
  },
  {
    key: 'rejected-request',
    title: 'Connect rejected the request',
    explanation: 'Connect answered InvalidRequest, InvalidParameter or AccessDenied: the plan (rehydration type, source contact) or the permissions do not fit. Read the reason; a redrive gives the same answer until that changes.',
    redrivable: false,
    match: /InvalidRequest|InvalidParameter|AccessDenied|not a CHAT|belongs to the current/i,
  },
  {
    key: 'no-past-session',
    title: 'No past session to continue',
    explanation: 'The lineage never showed an ended past session for this return, even after waiting and filling gaps from DescribeContact.',
    redrivable: false,
    match: /no past session|no ended past session|not in the lineage/i,
  },
  {
    key: 'stuck',
    title: 'Still planned, not finished',
    explanation: 'The ledger says PLANNED for longer than a resumption normally takes: its execution is still waiting or was lost. Open it to see where it waits.',
    redrivable: false,
    match: /^stuck:/,
  },
];

const OTHER: FailureKind = {
  key: 'other',
  title: 'Other',
  explanation: 'A reason chatline has no plain words for yet: read it as given.',
  redrivable: true,
};

export function classifyFailure(reason: string | undefined): FailureKind {
  const text = reason ?? '';
  const kind = KINDS.find((k) => k.match.test(text));
  if (!kind) return OTHER;
  const { match: _match, ...rest } = kind;
  return rest;
}

export const FAILURE_KEYS: readonly string[] = [...KINDS.map((k) => k.key), OTHER.key];
