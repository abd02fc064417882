/**
 * Typed errors. Each `name` is a literal and is exactly the `ErrorEquals` string the workflows
 * match (a Lambda error's name becomes the Step Functions error name). Retryable or terminal is
 * part of the type, never of the message.
 */
export abstract class ChatlineError extends Error {
  abstract readonly retryable: boolean;
}

/** An event that does not parse. It is stored with its reason and never retried. */
export class InvalidEventError extends ChatlineError {
  override readonly name = 'InvalidEventError';
  readonly retryable = false;
  constructor(
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(reason, options);
  }
}

/** The past session is not (yet) known as ended: events may still be on their way. Retried. */
export class PastSessionNotReadyError extends ChatlineError {
  override readonly name = 'PastSessionNotReadyError';
  readonly retryable = true;
}

/** A conditional write lost a race with a concurrent writer. Retried from a fresh read. */
export class ConcurrentUpdateError extends ChatlineError {
  override readonly name = 'ConcurrentUpdateError';
  readonly retryable = true;
}

/** A ledger transition that the state machine of a resumption does not allow. Terminal. */
export class InvalidTransitionError extends ChatlineError {
  override readonly name = 'InvalidTransitionError';
  readonly retryable = false;
}

/** Configuration that cannot work (bad policy name, negative delay, ...). Terminal. */
export class InvalidConfigError extends ChatlineError {
  override readonly name = 'InvalidConfigError';
  readonly retryable = false;
}

/** A page cursor that this store did not hand out (edited, truncated, from another list). Terminal. */
export class InvalidCursorError extends ChatlineError {
  override readonly name = 'InvalidCursorError';
  readonly retryable = false;
}

/**
 * CreatePersistentContactAssociation was still throttled after the configured throttled rounds.
 * Thrown once DescribeContact shows no association (VerifyAssociation): the ledger records FAILED
 * with this reason (the plan kept), and the execution fails at RecordConnectFailure, so a redrive
 * continues there and takes a new turn with the same ClientToken.
 */
export class ConnectThrottledError extends ChatlineError {
  override readonly name = 'ConnectThrottledError';
  readonly retryable = false;
}

/**
 * CreatePersistentContactAssociation answered only transient errors (500s, network errors) or did
 * not answer in time, past the Associate state's retries, and DescribeContact shows no association
 * (VerifyAssociation). The ledger records FAILED with the answer (the plan kept), and the execution
 * fails at RecordConnectFailure, so a redrive continues there with a new turn and the same
 * ClientToken (Connect replays a committed call).
 */
export class ConnectUnavailableError extends ChatlineError {
  override readonly name = 'ConnectUnavailableError';
  readonly retryable = false;
}

/** The ASL error names the workflows retry on; kept beside the classes so they cannot drift. */
export const RETRYABLE_ERROR_NAMES = ['PastSessionNotReadyError', 'ConcurrentUpdateError'] as const;
