/**
 * The local Step Functions engine: runs the workflow files with aws-local-stepfunctions, with
 * Step Functions' StartExecution rules (Standard: a name is used once; the same name and input
 * while running returns the running execution; Express: no dedup), and keeps each execution's
 * status and history.
 */
import '../polyfills';
import { randomUUID } from 'node:crypto';
import { ExecutionAbortedError, ExecutionError, StateMachine } from 'aws-local-stepfunctions';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import type { HistoryEvent } from './history';
import { HistoryRecorder } from './history';
import type { ExecutionRow, Journal } from './journal';
import { NO_JOURNAL } from './journal';
import type { JsonValue, TaskFn } from './task-bindings';
import { allStates, TaskError } from './task-bindings';

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
  readonly history: HistoryEvent[];
}

export class ExecutionAlreadyExists extends TaskError {
  constructor(message: string) {
    super('StepFunctions.ExecutionAlreadyExistsException', message);
  }
}

export interface RunnerOptions {
  /**
   * Multiplies every Retry IntervalSeconds (0.01 = a hundred times faster). Computed from the
   * definition at start; the file itself is never edited. 1 = real Step Functions timing.
   */
  readonly retryTimeScale?: number;
  /** Where executions and their history are written as they happen (default: nowhere). */
  readonly journal?: Journal;
}

interface LoadedMachine {
  spec: MachineSpec;
  machine: StateMachine;
  /** The same definition starting at another state, for restarts and redrives (built once each). */
  restartMachines: Map<string, StateMachine>;
  retryIntervalOverrides: Record<string, number[]>;
}

export class LocalStepFunctions {
  private readonly machines = new Map<string, LoadedMachine>();
  private readonly executions = new Map<string, Execution>();
  private readonly running = new Map<string, { done: Promise<void>; abort: () => void }>();

  private readonly journal: Journal;
  private suspending = false;

  constructor(private readonly options: RunnerOptions = {}) {
    this.journal = options.journal ?? NO_JOURNAL;
  }

  register(spec: MachineSpec): void {
    const machine = new StateMachine(spec.definition);
    this.machines.set(spec.arn, { spec, machine, restartMachines: new Map(), retryIntervalOverrides: retryOverrides(spec.definition, this.options.retryTimeScale ?? 1) });
  }

  machineArns(): string[] {
    return [...this.machines.keys()];
  }

  machine(arn: string): MachineSpec | undefined {
    return this.machines.get(arn)?.spec;
  }

  startExecution(input: { stateMachineArn: string; name?: string; input?: unknown }): Execution {
    const loaded = this.machines.get(input.stateMachineArn);
    if (!loaded) throw new TaskError('StepFunctions.StateMachineDoesNotExistException', `State Machine Does Not Exist: '${input.stateMachineArn}'`);
    const name = input.name ?? randomUUID();
    const inputText = typeof input.input === 'string' ? input.input : JSON.stringify(input.input ?? {});
    const kind = loaded.spec.type === 'STANDARD' ? 'execution' : 'express';
    const executionArn = `${input.stateMachineArn.replace(':stateMachine:', `:${kind}:`)}:${name}${kind === 'express' ? `:${randomUUID()}` : ''}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === inputText) return existing;
      throw new ExecutionAlreadyExists(`Execution Already Exists: '${executionArn}'`);
    }
    const execution: Execution = { executionArn, stateMachineArn: input.stateMachineArn, name, input: inputText, status: 'RUNNING', startDate: new Date(), redriveCount: 0, history: [] };
    this.executions.set(executionArn, execution);
    this.save(execution);
    // Suspended (the stack is stopping): journaled as RUNNING, and the next start runs it.
    if (!this.suspending) this.run(loaded, execution);
    return execution;
  }

  /**
   * After a restart: loads every journaled execution, and continues each one that was running
   * from the last state it entered, with that state's recorded input. Every state of the
   * workflows is idempotent (stored plan, stored ClientToken, conditional ledger writes), so
   * re-entering a state that was cut off midway is safe.
   */
  recover(): Execution[] {
    const resumed: Execution[] = [];
    for (const { row, history } of this.journal.loadExecutions()) {
      if (this.executions.has(row.executionArn)) continue;
      const execution = fromRow(row, history);
      this.executions.set(row.executionArn, execution);
      const loaded = this.machines.get(row.stateMachineArn);
      if (execution.status !== 'RUNNING' || !loaded) continue;
      this.run(loaded, execution, resumePoint(history, loaded.spec.definition));
      resumed.push(execution);
    }
    return resumed;
  }

  /**
   * RedriveExecution: a failed, aborted or timed-out Standard execution continues from the
   * unsuccessful state with that state's input, under the same ARN; its history is kept.
   */
  redriveExecution(executionArn: string): Execution {
    const execution = this.executions.get(executionArn);
    if (!execution) throw new TaskError('StepFunctions.ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    const loaded = this.machines.get(execution.stateMachineArn);
    if (!loaded || loaded.spec.type !== 'STANDARD' || !['FAILED', 'ABORTED', 'TIMED_OUT'].includes(execution.status)) {
      throw new TaskError('StepFunctions.ExecutionNotRedrivable', `Execution is not redrivable: '${executionArn}' (${execution.status})`);
    }
    execution.status = 'RUNNING';
    execution.redriveCount += 1;
    execution.redriveDate = new Date();
    delete execution.stopDate;
    delete execution.error;
    delete execution.cause;
    const recorder = new HistoryRecorder(execution.history, (e) => this.journal.appendHistory(execution.executionArn, e));
    recorder.add('ExecutionRedriven', Date.now(), { redriveCount: execution.redriveCount });
    this.save(execution);
    this.run(loaded, execution, resumePoint(execution.history, loaded.spec.definition));
    return execution;
  }

  describeExecution(executionArn: string): Execution | undefined {
    return this.executions.get(executionArn);
  }

  listExecutions(stateMachineArn?: string): Execution[] {
    return [...this.executions.values()].filter((e) => stateMachineArn === undefined || e.stateMachineArn === stateMachineArn);
  }

  stopExecution(executionArn: string): void {
    this.running.get(executionArn)?.abort();
  }

  /**
   * Stops the engine without ending its executions: they stay RUNNING in the journal and the
   * next start on the same file continues them (what a graceful shutdown of `chatline dev` does).
   */
  async suspend(): Promise<void> {
    this.suspending = true;
    for (const r of this.running.values()) r.abort();
    await this.waitForIdle();
  }

  /** Resolves when no execution is running (executions started meanwhile are waited for too). */
  async waitForIdle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()].map((r) => r.done));
  }

  /** Resolves when the given execution is no longer running. */
  async waitFor(executionArn: string): Promise<Execution> {
    await this.running.get(executionArn)?.done;
    const e = this.executions.get(executionArn);
    if (!e) throw new Error(`no execution ${executionArn}`);
    return e;
  }

  private save(e: Execution): void {
    this.journal.saveExecution(toRow(e));
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

  private run(loaded: LoadedMachine, execution: Execution, from?: { state: string; input: string }): void {
    const recorder = new HistoryRecorder(execution.history, (e) => this.journal.appendHistory(execution.executionArn, e));
    const machine = from ? this.machineStartingAt(loaded, from.state) : loaded.machine;
    const { result, abort, eventLogs } = machine.run(JSON.parse(from?.input ?? execution.input) as JsonValue, {
      overrides: {
        taskResourceLocalHandlers: loaded.spec.tasks,
        retryIntervalOverrides: loaded.retryIntervalOverrides,
      },
      context: { Execution: { Id: execution.executionArn, Name: execution.name, StartTime: execution.startDate.toISOString() } },
    });
    const drain = (async () => {
      for await (const event of eventLogs) recorder.record(event as Parameters<HistoryRecorder['record']>[0]);
    })();
    const done = result
      .then((output) => {
        execution.status = 'SUCCEEDED';
        execution.output = JSON.stringify(output);
      })
      .catch((err: unknown) => {
        if (err instanceof ExecutionAbortedError) {
          if (!this.suspending) execution.status = 'ABORTED';
          return;
        }
        execution.status = 'FAILED';
        const cause = err instanceof ExecutionError ? (err.cause as { name?: string; message?: string } | undefined) : undefined;
        execution.error = cause?.name ?? (err as Error).name;
        execution.cause = cause?.message ?? (err as Error).message;
      })
      .then(() => drain.catch(() => undefined))
      .finally(() => {
        if (execution.status !== 'RUNNING') execution.stopDate = new Date();
        this.save(execution);
        this.running.delete(execution.executionArn);
      });
    this.running.set(execution.executionArn, { done, abort });
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

function fromRow(row: ExecutionRow, history: HistoryEvent[]): Execution {
  return {
    executionArn: row.executionArn,
    stateMachineArn: row.stateMachineArn,
    name: row.name,
    input: row.input,
    status: row.status as ExecutionStatus,
    startDate: new Date(row.startDate),
    redriveCount: row.redriveCount,
    history,
    ...(row.stopDate ? { stopDate: new Date(row.stopDate) } : {}),
    ...(row.output !== undefined ? { output: row.output } : {}),
    ...(row.error !== undefined ? { error: row.error } : {}),
    ...(row.cause !== undefined ? { cause: row.cause } : {}),
    ...(row.redriveDate ? { redriveDate: new Date(row.redriveDate) } : {}),
  };
}
