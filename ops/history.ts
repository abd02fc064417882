/**
 * Reads a resume-chat execution's Step Functions history (GetExecutionHistory events, Step
 * Functions' own event names) into what an operator asks: every CreatePersistentContactAssociation
 * attempt with Connect's answer, every wait (readiness, budget, retry backoff) and the state by
 * state timeline. Pure: the events come in, nothing is fetched here.
 *
 * Step Functions records a retried Task as TaskScheduled → TaskStarted → TaskFailed per attempt
 * within one TaskStateEntered; the pause between a TaskFailed and the next TaskScheduled of the
 * same state is the Retry's backoff (there is no event for it).
 * (API reference, HistoryEvent: https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html)
 */

/** The members of the SDK's HistoryEvent this reader uses (structurally compatible with it). */
export interface HistoryEventLike {
  readonly id?: number | undefined;
  readonly type?: string | undefined;
  readonly timestamp?: Date | undefined;
  readonly stateEnteredEventDetails?: { readonly name?: string | undefined } | undefined;
  readonly stateExitedEventDetails?: { readonly name?: string | undefined } | undefined;
  readonly taskScheduledEventDetails?: { readonly resourceType?: string | undefined; readonly resource?: string | undefined; readonly parameters?: string | undefined } | undefined;
  readonly taskSucceededEventDetails?: { readonly resource?: string | undefined; readonly output?: string | undefined } | undefined;
  readonly taskFailedEventDetails?: { readonly resource?: string | undefined; readonly error?: string | undefined; readonly cause?: string | undefined } | undefined;
  readonly taskTimedOutEventDetails?: { readonly resource?: string | undefined; readonly error?: string | undefined; readonly cause?: string | undefined } | undefined;
  readonly executionFailedEventDetails?: { readonly error?: string | undefined; readonly cause?: string | undefined } | undefined;
  readonly executionTimedOutEventDetails?: { readonly error?: string | undefined; readonly cause?: string | undefined } | undefined;
  readonly executionAbortedEventDetails?: { readonly error?: string | undefined; readonly cause?: string | undefined } | undefined;
  readonly executionRedrivenEventDetails?: { readonly redriveCount?: number | undefined } | undefined;
}

export interface TimelineEvent {
  readonly id: number;
  /** Step Functions' event type: TaskStateEntered, TaskFailed, WaitStateExited, ExecutionRedriven... */
  readonly type: string;
  readonly at: string;
  /** The state the event belongs to (entered, exited, or the task running in it). */
  readonly state?: string;
  /** error: cause, or the redrive count, when the event has one. */
  readonly detail?: string;
}

export type ConnectAnswer = 'succeeded' | 'failed' | 'timed out' | 'no answer yet';

export interface AssociationAttempt {
  /** 1-based, over the whole execution (redrives included). */
  readonly n: number;
  readonly at: string;
  readonly answeredAt?: string;
  readonly answer: ConnectAnswer;
  /** Connect's error name as Step Functions reports it, e.g. Connect.ThrottlingException. */
  readonly error?: string;
  readonly cause?: string;
  readonly continuedFromContactId?: string;
  /** The ClientToken the call carried (the same on every attempt). */
  readonly clientToken?: string;
}

export type WaitKind = 'readiness' | 'budget' | 'retry backoff' | 'wait';

export interface WaitSpan {
  readonly kind: WaitKind;
  readonly state: string;
  readonly from: string;
  /** Absent while still waiting. */
  readonly to?: string;
  readonly seconds?: number;
}

export interface ExecutionReading {
  readonly timeline: TimelineEvent[];
  readonly attempts: AssociationAttempt[];
  readonly waits: WaitSpan[];
  /** ExecutionFailed / TimedOut / Aborted: error and cause of the last one. */
  readonly failure?: { readonly error?: string; readonly cause?: string };
  readonly redrives: number;
}

export const ASSOCIATE_RESOURCE = 'createPersistentContactAssociation';

/** Which waits a Wait state is: the readiness waits of resume-chat, a budget slot, or another. */
export function waitKindOf(state: string): WaitKind {
  if (/budget|slot|pace/i.test(state)) return 'budget';
  if (/ready|transcript|grace/i.test(state)) return 'readiness';
  return 'wait';
}

export function readHistory(events: readonly HistoryEventLike[]): ExecutionReading {
  const timeline: TimelineEvent[] = [];
  const attempts: AssociationAttempt[] = [];
  const waits: WaitSpan[] = [];
  const openWaits = new Map<string, string>();
  let failure: ExecutionReading['failure'];
  let redrives = 0;
  let currentState: string | undefined;
  let pending: { at: string; clientToken?: string } | undefined;
  /** The last TaskFailed of a state, for the backoff before its next attempt. */
  let lastTaskFailure: { state: string; at: string } | undefined;

  for (const e of events) {
    const type = e.type ?? 'Unknown';
    const at = (e.timestamp ?? new Date(0)).toISOString();
    const entered = e.stateEnteredEventDetails?.name;
    const exited = e.stateExitedEventDetails?.name;
    if (entered !== undefined) currentState = entered;
    const state = entered ?? exited ?? (type.startsWith('Task') || type.startsWith('Map') ? currentState : undefined);
    let detail: string | undefined;

    if (type === 'WaitStateEntered' && entered !== undefined) openWaits.set(entered, at);
    if (type === 'WaitStateExited' && exited !== undefined) {
      const from = openWaits.get(exited);
      if (from !== undefined) {
        waits.push(span(waitKindOf(exited), exited, from, at));
        openWaits.delete(exited);
      }
    }
    if (type === 'TaskScheduled') {
      if (lastTaskFailure && lastTaskFailure.state === state) waits.push(span('retry backoff', state, lastTaskFailure.at, at));
      lastTaskFailure = undefined;
      if (e.taskScheduledEventDetails?.resource === ASSOCIATE_RESOURCE) {
        const token = clientTokenOf(e.taskScheduledEventDetails.parameters);
        pending = { at, ...(token ? { clientToken: token } : {}) };
      }
    }
    const failed = e.taskFailedEventDetails ?? e.taskTimedOutEventDetails;
    if ((type === 'TaskFailed' || type === 'TaskTimedOut') && failed) {
      detail = errorText(failed.error, failed.cause);
      if (state !== undefined) lastTaskFailure = { state, at };
      if (pending && (failed.resource === undefined || failed.resource === ASSOCIATE_RESOURCE)) {
        attempts.push({
          n: attempts.length + 1,
          at: pending.at,
          answeredAt: at,
          answer: type === 'TaskFailed' ? 'failed' : 'timed out',
          ...(failed.error !== undefined ? { error: failed.error } : {}),
          ...(failed.cause !== undefined ? { cause: failed.cause } : {}),
          ...(pending.clientToken ? { clientToken: pending.clientToken } : {}),
        });
        pending = undefined;
      }
    }
    if (type === 'TaskSucceeded' && pending && (e.taskSucceededEventDetails?.resource ?? ASSOCIATE_RESOURCE) === ASSOCIATE_RESOURCE) {
      const continued = continuedFromOf(e.taskSucceededEventDetails?.output);
      attempts.push({
        n: attempts.length + 1,
        at: pending.at,
        answeredAt: at,
        answer: 'succeeded',
        ...(continued ? { continuedFromContactId: continued } : {}),
        ...(pending.clientToken ? { clientToken: pending.clientToken } : {}),
      });
      pending = undefined;
    }
    const ended = e.executionFailedEventDetails ?? e.executionTimedOutEventDetails ?? e.executionAbortedEventDetails;
    if (ended) {
      failure = { ...(ended.error !== undefined ? { error: ended.error } : {}), ...(ended.cause !== undefined ? { cause: ended.cause } : {}) };
      detail = errorText(ended.error, ended.cause);
      // A failed execution ends every open wait and an unanswered call stays unanswered.
      openWaits.clear();
    }
    if (type === 'ExecutionRedriven') {
      redrives = e.executionRedrivenEventDetails?.redriveCount ?? redrives + 1;
      detail = `redrive ${redrives}`;
      failure = undefined;
      lastTaskFailure = undefined;
    }
    timeline.push({ id: e.id ?? timeline.length + 1, type, at, ...(state !== undefined ? { state } : {}), ...(detail ? { detail } : {}) });
  }
  for (const [state, from] of openWaits) waits.push({ kind: waitKindOf(state), state, from });
  if (pending) attempts.push({ n: attempts.length + 1, at: pending.at, answer: 'no answer yet', ...(pending.clientToken ? { clientToken: pending.clientToken } : {}) });
  return { timeline, attempts, waits, ...(failure ? { failure } : {}), redrives };
}

function span(kind: WaitKind, state: string | undefined, from: string, to: string): WaitSpan {
  return { kind, state: state ?? '?', from, to, seconds: Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000) };
}

function errorText(error: string | undefined, cause: string | undefined): string {
  return [error, cause].filter((x) => x !== undefined && x !== '').join(': ');
}

function parse(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function clientTokenOf(parameters: string | undefined): string | undefined {
  const p = parse(parameters) as { ClientToken?: unknown } | undefined;
  return typeof p?.ClientToken === 'string' ? p.ClientToken : undefined;
}

/**
 * Connect's ContinuedFromContactId from a TaskSucceeded output. On AWS the output is the task's
 * own result; the local engine records the state's output after ResultPath, where the result
 * sits one level down (`association`): both are read.
 */
function continuedFromOf(output: string | undefined): string | undefined {
  const o = parse(output);
  const direct = (v: unknown): string | undefined => {
    const id = typeof v === 'object' && v !== null ? (v as { ContinuedFromContactId?: unknown }).ContinuedFromContactId : undefined;
    return typeof id === 'string' ? id : undefined;
  };
  if (direct(o) !== undefined) return direct(o);
  if (typeof o !== 'object' || o === null) return undefined;
  return Object.values(o).map(direct).find((id) => id !== undefined);
}
