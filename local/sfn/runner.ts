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
import type { JsonValue, TaskFn } from './task-bindings';
import { TaskError } from './task-bindings';

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
}

interface LoadedMachine {
  spec: MachineSpec;
  machine: StateMachine;
  retryIntervalOverrides: Record<string, number[]>;
}

export class LocalStepFunctions {
  private readonly machines = new Map<string, LoadedMachine>();
  private readonly executions = new Map<string, Execution>();
  private readonly running = new Map<string, { done: Promise<void>; abort: () => void }>();

  constructor(private readonly options: RunnerOptions = {}) {}

  register(spec: MachineSpec): void {
    const machine = new StateMachine(spec.definition);
    this.machines.set(spec.arn, { spec, machine, retryIntervalOverrides: retryOverrides(spec.definition, this.options.retryTimeScale ?? 1) });
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
    const execution: Execution = { executionArn, stateMachineArn: input.stateMachineArn, name, input: inputText, status: 'RUNNING', startDate: new Date(), history: [] };
    this.executions.set(executionArn, execution);
    this.run(loaded, execution);
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

  private run(loaded: LoadedMachine, execution: Execution): void {
    const recorder = new HistoryRecorder();
    const { result, abort, eventLogs } = loaded.machine.run(JSON.parse(execution.input) as JsonValue, {
      overrides: {
        taskResourceLocalHandlers: loaded.spec.tasks,
        retryIntervalOverrides: loaded.retryIntervalOverrides,
      },
      context: { Execution: { Id: execution.executionArn, Name: execution.name, StartTime: execution.startDate.toISOString() } },
    });
    const drain = (async () => {
      for await (const event of eventLogs) {
        recorder.record(event as Parameters<HistoryRecorder['record']>[0]);
        (execution.history as HistoryEvent[]).splice(0, execution.history.length, ...recorder.events);
      }
    })();
    const done = result
      .then((output) => {
        execution.status = 'SUCCEEDED';
        execution.output = JSON.stringify(output);
      })
      .catch((err: unknown) => {
        if (err instanceof ExecutionAbortedError) {
          execution.status = 'ABORTED';
          return;
        }
        execution.status = 'FAILED';
        const cause = err instanceof ExecutionError ? (err.cause as { name?: string; message?: string } | undefined) : undefined;
        execution.error = cause?.name ?? (err as Error).name;
        execution.cause = cause?.message ?? (err as Error).message;
      })
      .then(() => drain.catch(() => undefined))
      .finally(() => {
        execution.stopDate = new Date();
        this.running.delete(execution.executionArn);
      });
    this.running.set(execution.executionArn, { done, abort });
  }
}

/** One constant interval per retrier, IntervalSeconds × scale, for every retryable state. */
export function retryOverrides(definition: StateMachineDefinition, scale: number): Record<string, number[]> {
  if (scale === 1) return {};
  const overrides: Record<string, number[]> = {};
  for (const [name, state] of Object.entries(definition.States)) {
    const retry = (state as { Retry?: { IntervalSeconds?: number }[] }).Retry;
    if (retry) overrides[name] = retry.map((r) => Math.max(0, Math.round((r.IntervalSeconds ?? 1) * 1000 * scale)));
  }
  return overrides;
}
