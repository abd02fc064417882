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

/**
 * CreatePersistentContactAssociation was still throttled after the configured throttled rounds.
 * Not caught: the execution fails at ReportThrottle with the ledger still PLANNED, so a redrive
 * continues there and takes a new turn with the same stored ClientToken.
 */
export class ConnectThrottledError extends ChatlineError {
  override readonly name = 'ConnectThrottledError';
  readonly retryable = false;
}

/** The ASL error names the workflows retry on; kept beside the classes so they cannot drift. */
export const RETRYABLE_ERROR_NAMES = ['PastSessionNotReadyError', 'ConcurrentUpdateError'] as const;
