/**
 * Local execution history in Step Functions' own vocabulary (GetExecutionHistory event types),
 * translated from aws-local-stepfunctions' event log.
 */
export interface HistoryEvent {
  readonly id: number;
  readonly previousEventId: number;
  readonly timestamp: string;
  readonly type: string;
  readonly details: Record<string, unknown>;
}

interface LibEvent {
  type: string;
  timestamp: number;
  state?: { name: string; type: string; input?: unknown; output?: unknown };
  input?: unknown;
  output?: unknown;
  Error?: string;
  Cause?: unknown;
  retry?: { attempt: number };
  parentState?: { name: string };
  index?: number;
}

/**
 * Numbers and translates an execution's events and hands each to `onEvent` (the journal); it
 * keeps no history itself, only what the next event needs.
 */
export class HistoryRecorder {
  /** Task states whose last attempt failed: a Catch exits them without a TaskSucceeded. */
  private readonly failedTasks = new Set<string>();
  /** Set once the run this recorder listens to is superseded (a parked Wait): later events are not this execution's. */
  private closed = false;

  /** `count`: events the execution already has (from before a restart or redrive). */
  constructor(
    private count: number,
    private readonly onEvent: (event: HistoryEvent) => void = () => undefined,
  ) {}

  get length(): number {
    return this.count;
  }

  close(): void {
    this.closed = true;
  }

  add(type: string, timestamp: number, details: Record<string, unknown>): void {
    if (this.closed) return;
    const id = ++this.count;
    this.onEvent({ id, previousEventId: id - 1, timestamp: new Date(timestamp).toISOString(), type, details });
  }

  /** Maps one library event to the Step Functions events it stands for. */
  record(e: LibEvent): void {
    const s = e.state;
    switch (e.type) {
      case 'ExecutionStarted':
        // A restarted or redriven run continues the history it has; its start is not a new one.
        return this.count > 0 ? undefined : this.add('ExecutionStarted', e.timestamp, { input: json(e.input) });
      case 'ExecutionSucceeded':
        return this.add('ExecutionSucceeded', e.timestamp, { output: json(e.output) });
      case 'ExecutionFailed':
        return this.add('ExecutionFailed', e.timestamp, { error: e.Error, cause: cause(e.Cause) });
      case 'ExecutionAborted':
        return this.add('ExecutionAborted', e.timestamp, {});
      case 'ExecutionTimeout':
        return this.add('ExecutionTimedOut', e.timestamp, {});
      case 'StateEntered':
        if (!s) return;
        this.add(`${s.type}StateEntered`, e.timestamp, { name: s.name, input: json(s.input) });
        if (s.type === 'Task') this.add('TaskScheduled', e.timestamp, { name: s.name });
        return;
      case 'StateExited':
        if (!s) return;
        if (s.type === 'Task' && !this.failedTasks.delete(s.name)) this.add('TaskSucceeded', e.timestamp, { name: s.name, output: json(s.output) });
        return this.add(`${s.type}StateExited`, e.timestamp, { name: s.name, output: json(s.output) });
      case 'StateFailed':
        // Step Functions records a failed Task as TaskFailed; a Fail state only as ExecutionFailed.
        if (!s || s.type !== 'Task') return;
        this.failedTasks.add(s.name);
        return this.add('TaskFailed', e.timestamp, { name: s.name, error: e.Error, cause: cause(e.Cause) });
      case 'StateRetried':
        if (!s) return;
        this.failedTasks.delete(s.name);
        // The failure itself was already recorded from StateFailed: a retry is a new TaskScheduled.
        return this.add('TaskScheduled', e.timestamp, { name: s.name, retryAttempt: e.retry?.attempt });
      case 'StateCaught':
        return;
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed':
        return this.add(e.type, e.timestamp, { name: e.parentState?.name, index: e.index });
      default:
        return;
    }
  }
}

function json(v: unknown): string {
  return JSON.stringify(v ?? null);
}

function cause(c: unknown): string {
  return typeof c === 'string' ? c : c instanceof Error ? c.message : JSON.stringify(c ?? null);
}
