/**
 * The local Step Functions engine: runs the workflow files with aws-local-stepfunctions, with
 * Step Functions' StartExecution rules (Standard: a name is used once; the same name and input
 * while running returns the running execution; Express: no dedup).
 *
 * Memory holds only the executions that are running. A Standard execution is journaled as it
 * runs (its row and every history event, batched into the store's transaction) and, once
 * finished, lives only in SQLite: describe, list and history read it from there, a page at a
 * time. An Express execution keeps no history and no row, as on AWS (no DescribeExecution or
 * GetExecutionHistory for Express there either); what makes it at-least-once is the bus inbox,
 * which keeps the event until the execution it started has finished (local/bus.ts).
 */
import '../polyfills';
import { installFastJsonPath } from './fast-jsonpath';
import { randomUUID } from 'node:crypto';
import { ExecutionAbortedError, ExecutionError, StateMachine } from 'aws-local-stepfunctions';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import type { HistoryEvent } from './history';
import { HistoryRecorder } from './history';
import type { ExecutionPageQuery, ExecutionRow, Journal } from './journal';
import { NO_JOURNAL } from './journal';
import type { JsonValue, TaskFn } from './task-bindings';
import { allStates, TaskError } from './task-bindings';
import type { Cancellable } from './timers';
import { MAX_TIMER_MS, timerAt, unrunnableTimers, waitEndsAt } from './timers';

// Plain JSONPath queries answered without jsonpath-plus's per-query Error (see fast-jsonpath.ts).
installFastJsonPath();

export type WorkflowType = 'STANDARD' | 'EXPRESS';
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';

export interface MachineSpec {
  readonly name: string;
  readonly arn: string;
  readonly type: WorkflowType;
  readonly definition: StateMachineDefinition;
  /** Task state name → local function (see task-bindings.ts). */
  readonly tasks: Record<string, TaskFn>;
}

export interface Execution {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly input: string;
  status: ExecutionStatus;
  readonly startDate: Date;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  redriveCount: number;
  redriveDate?: Date;
}

export class ExecutionAlreadyExists extends TaskError {
  constructor(message: string) {
    super('StepFunctions.ExecutionAlreadyExistsException', message);
  }
}

/** StartExecution after the engine was suspended (shutting down): the caller's work is not lost, it runs on the next start. */
export class EngineSuspendedError extends TaskError {
  constructor() {
    super('StepFunctions.ServiceUnavailableException', 'The local engine is shutting down');
  }
}

export interface RunnerOptions {
  /**
   * Multiplies every Retry IntervalSeconds (0.01 = a hundred times faster). Computed from the
   * definition at start; the file itself is never edited. 1 = real Step Functions timing.
   */
  readonly retryTimeScale?: number;
  /** Where Standard executions and their history are written as they happen (default: nowhere). */
  readonly journal?: Journal;
}

interface LoadedMachine {
  spec: MachineSpec;
  machine: StateMachine;
  /** The same definition starting at another state, for restarts, redrives and parked Waits (built once each). */
  restartMachines: Map<string, StateMachine>;
  retryIntervalOverrides: Record<string, number[]>;
  /** Whether the engine must watch the run's events: to journal them, or to park long Waits. */
  watched: boolean;
}

/** A running execution and what the engine needs to continue, stop or park it. */
interface Active {
  readonly execution: Execution;
  readonly loaded: LoadedMachine;
  readonly finished: Promise<Execution>;
  readonly resolve: (e: Execution) => void;
  /** History events journaled so far (Standard). */
  historyLength: number;
  /** How the current library run is being ended, if it is. */
  ending?: 'suspend' | 'stop' | 'park';
  cancel: () => void;
  recorder?: HistoryRecorder | undefined;
  parked?: Cancellable | undefined;
}

export class LocalStepFunctions {
  private readonly machines = new Map<string, LoadedMachine>();
  private readonly running = new Map<string, Active>();
  private readonly journal: Journal;
  private suspended = false;

  constructor(private readonly options: RunnerOptions = {}) {
    this.journal = options.journal ?? NO_JOURNAL;
  }

  register(spec: MachineSpec): void {
    const problems = unrunnableTimers(spec.definition as never);
    if (problems.length > 0) throw new Error(`state machine ${spec.name}: the local engine cannot time ${problems.join('; ')} (longer than setTimeout's ${MAX_TIMER_MS} ms)`);
    const machine = new StateMachine(spec.definition);
    const hasWait = Object.values(spec.definition.States).some((s) => s.Type === 'Wait');
    this.machines.set(spec.arn, {
      spec,
      machine,
      restartMachines: new Map(),
      retryIntervalOverrides: retryOverrides(spec.definition, this.options.retryTimeScale ?? 1),
      watched: spec.type === 'STANDARD' || hasWait,
    });
  }

  machineArns(): string[] {
    return [...this.machines.keys()];
  }

  machine(arn: string): MachineSpec | undefined {
    return this.machines.get(arn)?.spec;
  }

  startExecution(input: { stateMachineArn: string; name?: string; input?: unknown }): Execution {
    if (this.suspended) throw new EngineSuspendedError();
    const loaded = this.machines.get(input.stateMachineArn);
    if (!loaded) throw new TaskError('StepFunctions.StateMachineDoesNotExistException', `State Machine Does Not Exist: '${input.stateMachineArn}'`);
    const name = input.name ?? randomUUID();
    const standard = loaded.spec.type === 'STANDARD';
    if (!standard) return this.startExpress(loaded, name, input.input);
    const inputText = typeof input.input === 'string' ? input.input : JSON.stringify(input.input ?? {});
    const executionArn = `${input.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    const existing = this.describeExecution(executionArn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === inputText) return existing;
      throw new ExecutionAlreadyExists(`Execution Already Exists: '${executionArn}'`);
    }
    const execution: Execution = { executionArn, stateMachineArn: input.stateMachineArn, name, input: inputText, status: 'RUNNING', startDate: new Date(), redriveCount: 0 };
    this.save(execution);
    this.run(this.activate(execution, loaded, 0));
    return execution;
  }

  /**
   * An Express execution: no name dedup, no journal. Its input object goes to the interpreter as
   * it is (the interpreter copies it); its text is made only if someone asks for it.
   */
  private startExpress(loaded: LoadedMachine, name: string, value: unknown): Execution {
    const stateMachineArn = loaded.spec.arn;
    let text = typeof value === 'string' ? value : undefined;
    const execution: Execution = {
      executionArn: `${stateMachineArn.replace(':stateMachine:', ':express:')}:${name}:${randomUUID()}`,
      stateMachineArn,
      name,
      get input(): string {
        text ??= JSON.stringify(value ?? {});
        return text;
      },
      status: 'RUNNING',
      startDate: new Date(),
      redriveCount: 0,
    };
    const active = this.activate(execution, loaded, 0);
    this.run(active, undefined, false, typeof value === 'string' ? undefined : ((value ?? {}) as JsonValue));
    return execution;
  }

  /**
   * After a restart: continues each Standard execution the journal holds as RUNNING from the
   * last state it entered, with that state's recorded input. Every state of the workflows is
   * idempotent (stored plan, stored ClientToken, conditional ledger writes), so re-entering a
   * state that was cut off midway is safe. Express executions are not continued: the bus inbox
   * delivers their events again (a file from before Express stopped being journaled may list
   * some as RUNNING; they are left to retention).
   */
  recover(): Execution[] {
    const resumed: Execution[] = [];
    for (const row of this.journal.runningExecutions()) {
      const loaded = this.machines.get(row.stateMachineArn);
      if (!loaded || loaded.spec.type !== 'STANDARD' || this.running.has(row.executionArn)) continue;
      const history = this.journal.loadHistory(row.executionArn);
      const execution = fromRow(row);
      this.run(this.activate(execution, loaded, history.length), resumePoint(history, loaded.spec.definition));
      resumed.push(execution);
    }
    return resumed;
  }

  /**
   * RedriveExecution: a failed, aborted or timed-out Standard execution continues from the
   * unsuccessful state with that state's input, under the same ARN; its history is kept.
   */
  redriveExecution(executionArn: string): Execution {
    const row = this.running.has(executionArn) ? undefined : this.journal.getExecution(executionArn);
    const current = this.describeExecution(executionArn);
    if (!current) throw new TaskError('StepFunctions.ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    const loaded = this.machines.get(current.stateMachineArn);
    if (!row || !loaded || loaded.spec.type !== 'STANDARD' || !['FAILED', 'ABORTED', 'TIMED_OUT'].includes(row.status)) {
      throw new TaskError('StepFunctions.ExecutionNotRedrivable', `Execution is not redrivable: '${executionArn}' (${current.status})`);
    }
    const { stopDate: _s, error: _e, cause: _c, ...rest } = fromRow(row);
    const execution: Execution = { ...rest, status: 'RUNNING', redriveCount: row.redriveCount + 1, redriveDate: new Date() };
    const history = this.journal.loadHistory(executionArn);
    const active = this.activate(execution, loaded, history.length);
    new HistoryRecorder(history.length, (e) => this.appendHistory(active, e)).add('ExecutionRedriven', Date.now(), { redriveCount: execution.redriveCount });
    this.save(execution);
    this.run(active, resumePoint(history, loaded.spec.definition));
    return execution;
  }

  /** A running execution from memory, a finished Standard one from the journal. */
  describeExecution(executionArn: string): Execution | undefined {
    const active = this.running.get(executionArn);
    if (active) return active.execution;
    const row = this.journal.getExecution(executionArn);
    return row ? fromRow(row) : undefined;
  }

  /** One page of Standard executions, newest first (ListExecutions; see journal.ts). */
  listExecutions(query: ExecutionPageQuery): Execution[] {
    return this.journal.listExecutions(query).map(fromRow);
  }

  /** Standard executions per status, without reading them. */
  countExecutions(stateMachineArn?: string): Record<string, number> {
    return this.journal.countExecutions(stateMachineArn);
  }

  /** A Standard execution's history, from the journal (empty for Express, which keeps none). */
  history(executionArn: string): HistoryEvent[] {
    return this.journal.loadHistory(executionArn);
  }

  /** How many executions are running right now (both types). */
  runningCount(): number {
    return this.running.size;
  }

  stopExecution(executionArn: string): void {
    const active = this.running.get(executionArn);
    if (!active) return;
    if (active.parked) {
      active.parked.cancel();
      active.parked = undefined;
      new HistoryRecorder(active.historyLength, (e) => this.appendHistory(active, e)).add('ExecutionAborted', Date.now(), {});
      active.execution.status = 'ABORTED';
      this.finish(active);
      return;
    }
    active.ending = 'stop';
    active.cancel();
  }

  /**
   * Stops the engine without ending its executions: they stay RUNNING in the journal and the
   * next start on the same file continues them (what a graceful shutdown of `chatline dev` does).
   */
  async suspend(): Promise<void> {
    this.suspended = true;
    for (const active of this.running.values()) {
      active.ending = 'suspend';
      active.recorder?.close();
      if (active.parked) {
        active.parked.cancel();
        this.running.delete(active.execution.executionArn);
        active.resolve(active.execution);
      } else {
        active.cancel();
      }
    }
    await this.waitForIdle();
    this.journal.flush();
  }

  /** Commits what the engine journaled (before an answer acknowledges it). */
  flush(): void {
    this.journal.flush();
  }

  /** Resolves when no execution is running (executions started meanwhile are waited for too). */
  async waitForIdle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()].map((r) => r.finished));
  }

  /** Resolves with the execution once it is no longer running (its status is RUNNING only if the engine was suspended). */
  async waitFor(executionArn: string): Promise<Execution> {
    const active = this.running.get(executionArn);
    if (active) return active.finished;
    const e = this.describeExecution(executionArn);
    if (!e) throw new Error(`no execution ${executionArn}`);
    return e;
  }

  private activate(execution: Execution, loaded: LoadedMachine, historyLength: number): Active {
    let resolve!: (e: Execution) => void;
    const finished = new Promise<Execution>((r) => (resolve = r));
    const active: Active = { execution, loaded, finished, resolve, historyLength, cancel: () => undefined };
    this.running.set(execution.executionArn, active);
    return active;
  }

  private save(e: Execution): void {
    this.journal.saveExecution(toRow(e));
  }

  private appendHistory(active: Active, event: HistoryEvent): void {
    active.historyLength = event.id;
    this.journal.appendHistory(active.execution.executionArn, event);
  }

  private finish(active: Active): void {
    const { execution } = active;
    if (execution.status !== 'RUNNING') execution.stopDate = new Date();
    if (active.loaded.spec.type === 'STANDARD' && active.ending !== 'suspend') this.save(execution);
    this.running.delete(execution.executionArn);
    active.resolve(execution);
  }

  private machineStartingAt(loaded: LoadedMachine, state: string): StateMachine {
    if (state === loaded.spec.definition.StartAt) return loaded.machine;
    let machine = loaded.restartMachines.get(state);
    if (!machine) {
      // Validated once at register(); a copy starting midway would fail the reachability check.
      machine = new StateMachine({ ...loaded.spec.definition, StartAt: state }, { validationOptions: { noValidate: true } });
      loaded.restartMachines.set(state, machine);
    }
    return machine;
  }

  /**
   * One run of the interpreter for an execution: from the start, or from `from` (a restart, a
   * redrive, or a parked Wait whose time has come; `reentering` leaves out the second
   * StateEntered of a Wait that was already recorded when it parked).
   */
  private run(active: Active, from?: { state: string; input: string }, reentering = false, inputValue?: JsonValue): void {
    const { loaded, execution } = active;
    const standard = loaded.spec.type === 'STANDARD';
    const recorder = standard ? new HistoryRecorder(active.historyLength, (e) => this.appendHistory(active, e)) : undefined;
    active.recorder = recorder;
    delete active.ending;
    const context = { Execution: { Id: execution.executionArn, Name: execution.name, StartTime: execution.startDate.toISOString() } };
    const machine = from ? this.machineStartingAt(loaded, from.state) : loaded.machine;
    const { result, abort, eventLogs } = machine.run(inputValue ?? (JSON.parse(from?.input ?? execution.input) as JsonValue), {
      overrides: {
        taskResourceLocalHandlers: loaded.spec.tasks,
        retryIntervalOverrides: loaded.retryIntervalOverrides,
      },
      context,
    });
    active.cancel = abort;
    const states = loaded.spec.definition.States;
    let skipEntered = reentering ? from?.state : undefined;
    const drain = loaded.watched
      ? (async () => {
          for await (const event of eventLogs) {
            const e = event as Parameters<HistoryRecorder['record']>[0];
            const state = e.type === 'StateEntered' ? e.state : undefined;
            if (state && state.name === skipEntered) {
              skipEntered = undefined;
              continue;
            }
            recorder?.record(e);
            if (state?.type === 'Wait' && state.name in states) {
              const endsAt = waitEndsAt(states[state.name] as never, state.input, context, e.timestamp);
              if (endsAt !== undefined && endsAt - Date.now() > MAX_TIMER_MS) {
                this.park(active, { state: state.name, input: JSON.stringify(state.input ?? null) }, endsAt);
                return;
              }
            }
          }
        })()
      : Promise.resolve();
    void result
      .then((output) => {
        execution.status = 'SUCCEEDED';
        execution.output = JSON.stringify(output);
      })
      .catch((err: unknown) => {
        if (err instanceof ExecutionAbortedError) {
          if (active.ending === 'stop' || active.ending === undefined) execution.status = 'ABORTED';
          return;
        }
        execution.status = err instanceof Error && err.name === 'ExecutionTimeoutError' ? 'TIMED_OUT' : 'FAILED';
        const cause = err instanceof ExecutionError ? (err.cause as { name?: string; message?: string } | undefined) : undefined;
        execution.error = cause?.name ?? (err as Error).name;
        execution.cause = cause?.message ?? (err as Error).message;
      })
      .then(() => drain.catch(() => undefined))
      .then(() => {
        if (active.ending !== 'park') this.finish(active);
      });
  }

  /**
   * A Wait longer than any timer: the interpreter's run is ended (the execution stays RUNNING,
   * its history shows it in the Wait) and a chunked timer continues it from the Wait state when
   * the time has come; the Wait then sleeps only what is left.
   */
  private park(active: Active, at: { state: string; input: string }, endsAt: number): void {
    active.ending = 'park';
    active.recorder?.close();
    active.cancel();
    active.parked = timerAt(endsAt, () => {
      active.parked = undefined;
      this.run(active, at, true);
    });
  }
}

/** One constant interval per retrier, IntervalSeconds × scale, for every retryable state. */
export function retryOverrides(definition: StateMachineDefinition, scale: number): Record<string, number[]> {
  if (scale === 1) return {};
  const overrides: Record<string, number[]> = {};
  for (const [name, state] of allStates(definition as never)) {
    const retry = (state as { Retry?: { IntervalSeconds?: number }[] }).Retry;
    if (retry) overrides[name] = retry.map((r) => Math.max(0, Math.round((r.IntervalSeconds ?? 1) * 1000 * scale)));
  }
  return overrides;
}

/**
 * The last top-level state an execution entered, with the input it entered with. A state inside
 * a Map is not a place to continue from: its Map state is, and runs its items again.
 */
function resumePoint(history: readonly HistoryEvent[], definition: StateMachineDefinition): { state: string; input: string } | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const e = history[i] as HistoryEvent;
    const name = String(e.details['name']);
    if (e.type.endsWith('StateEntered') && name in definition.States) return { state: name, input: String(e.details['input']) };
  }
  return undefined;
}

function toRow(e: Execution): ExecutionRow {
  return {
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    input: e.input,
    status: e.status,
    startDate: e.startDate.toISOString(),
    redriveCount: e.redriveCount,
    ...(e.stopDate ? { stopDate: e.stopDate.toISOString() } : {}),
    ...(e.output !== undefined ? { output: e.output } : {}),
    ...(e.error !== undefined ? { error: e.error } : {}),
    ...(e.cause !== undefined ? { cause: e.cause } : {}),
    ...(e.redriveDate ? { redriveDate: e.redriveDate.toISOString() } : {}),
  };
}

function fromRow(row: ExecutionRow): Execution {
  return {
    executionArn: row.executionArn,
    stateMachineArn: row.stateMachineArn,
    name: row.name,
    input: row.input,
    status: row.status as ExecutionStatus,
    startDate: new Date(row.startDate),
    redriveCount: row.redriveCount,
    ...(row.stopDate ? { stopDate: new Date(row.stopDate) } : {}),
    ...(row.output !== undefined ? { output: row.output } : {}),
    ...(row.error !== undefined ? { error: row.error } : {}),
    ...(row.cause !== undefined ? { cause: row.cause } : {}),
    ...(row.redriveDate ? { redriveDate: new Date(row.redriveDate) } : {}),
  };
}
