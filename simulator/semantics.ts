/**
 * Every behaviour the Connect documentation leaves open is a named, configurable choice here
 * (docs/sources.md#what-the-documentation-leaves-open). The list is repeated in simulator/README.md
 * ("Assumptions").
 */

export const API_NAMES = [
  'CreatePersistentContactAssociation',
  'DescribeContact',
  'StartChatContact',
  'StopContact',
  'TransferContact',
  'GetContactAttributes',
] as const;
export type ApiName = (typeof API_NAMES)[number];

export function isApiName(s: string): s is ApiName {
  return (API_NAMES as readonly string[]).includes(s);
}

export interface SemanticsOptions {
  /** Error when the current contact is already persistent (StartChatContact.PersistentChat or an earlier CPCA). */
  alreadyPersistentError?: string;
  /** Error when the source (or its session) has not ended, or ended less than transcriptReadySeconds ago. */
  sourceNotReadyError?: string;
  /** Error when a source or current contact is not CHAT. */
  notChatError?: string;
  /**
   * ENTIRE_PAST_SESSION with a SourceContactId that is not its session's initial contact:
   * 'session' (default) resolves to that contact's session; 'reject' answers InvalidRequestException.
   */
  entirePastSessionSource?: 'session' | 'reject';
  /** A source in the current contact's own session: 'reject' (default, InvalidRequestException) or 'allow'. */
  sameSessionSource?: 'reject' | 'allow';
  /** InitialContactId of a session's first contact, in DescribeContact and events: 'self' (default) or 'absent'. */
  firstSegmentInitialContactId?: 'self' | 'absent';
  /** StartChatContact with both PersistentChat and RelatedContactId. Default InvalidRequestException. */
  persistentAndRelatedError?: string;
  /** Same ClientToken, different parameters. Defaults: InvalidRequestException; TransferContact IdempotencyException (modeled for it). */
  idempotencyMismatchError?: Partial<Record<ApiName, string>>;
  /** How long a ClientToken is remembered. Default 7 days (documented for Start*Contact only). */
  idempotencyRetentionSeconds?: number;
  /**
   * CreatePersistentContactAssociation repeated with a ClientToken whose call committed:
   * 'replay' (default) answers the stored 200; 'check-state-first' runs the contact's checks
   * before the token lookup, so the repeat is refused (the contact is already persistent, or no
   * longer active). The documentation says only that the token ensures idempotency.
   */
  cpcaTokenReplay?: 'replay' | 'check-state-first';
  /** TransferContact API on a CHAT contact: 'reject' (default; documented: TASK and EMAIL only) or 'allow'. */
  transferApiChat?: 'reject' | 'allow';
  /** Most transfers of one contact chain ("A contact cannot be transferred more than 11 times"). */
  maxTransfers?: number;
  /** StopContact on an ended contact. Default ContactNotFoundException (410). */
  stopEndedContactError?: string;
  /** mirror(): treat a CHAT event's relatedContactId as persistent-chat continuation. Default true. */
  mirrorRelatedAsPersistent?: boolean;
  /** Error code for a request body that is not JSON. Default SerializationException (400). */
  malformedBodyError?: string;
}

export type Semantics = Required<Omit<SemanticsOptions, 'idempotencyMismatchError'>> & {
  idempotencyMismatchError: Record<ApiName, string>;
};

export function resolveSemantics(o: SemanticsOptions = {}): Semantics {
  return {
    alreadyPersistentError: o.alreadyPersistentError ?? 'InvalidRequestException',
    sourceNotReadyError: o.sourceNotReadyError ?? 'InvalidRequestException',
    notChatError: o.notChatError ?? 'InvalidRequestException',
    entirePastSessionSource: o.entirePastSessionSource ?? 'session',
    sameSessionSource: o.sameSessionSource ?? 'reject',
    firstSegmentInitialContactId: o.firstSegmentInitialContactId ?? 'self',
    persistentAndRelatedError: o.persistentAndRelatedError ?? 'InvalidRequestException',
    idempotencyMismatchError: {
      CreatePersistentContactAssociation: 'InvalidRequestException',
      StartChatContact: 'InvalidRequestException',
      TransferContact: 'IdempotencyException',
      DescribeContact: 'InvalidRequestException',
      StopContact: 'InvalidRequestException',
      GetContactAttributes: 'InvalidRequestException',
      ...o.idempotencyMismatchError,
    },
    idempotencyRetentionSeconds: o.idempotencyRetentionSeconds ?? 7 * 24 * 3600,
    cpcaTokenReplay: o.cpcaTokenReplay ?? 'replay',
    transferApiChat: o.transferApiChat ?? 'reject',
    maxTransfers: o.maxTransfers ?? 11,
    stopEndedContactError: o.stopEndedContactError ?? 'ContactNotFoundException',
    mirrorRelatedAsPersistent: o.mirrorRelatedAsPersistent ?? true,
    malformedBodyError: o.malformedBodyError ?? 'SerializationException',
  };
}
