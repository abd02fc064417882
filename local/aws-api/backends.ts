/**
 * What the AWS API front end needs from the local engine and bus: narrow, structural interfaces
 * (LocalStepFunctions and LocalEventBus satisfy them today; the optional members are used when
 * present and feature-detected otherwise).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type ExecutionStatusView = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT' | 'PENDING_REDRIVE';

export interface HistoryEventView {
  readonly id: number;
  readonly previousEventId: number;
  readonly timestamp: string | Date;
  readonly type: string;
  readonly details: Record<string, unknown>;
}

export interface ExecutionView {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly input: string;
  readonly status: ExecutionStatusView | string;
  readonly startDate: Date;
  readonly stopDate?: Date | undefined;
  readonly output?: string | undefined;
  readonly error?: string | undefined;
  readonly cause?: string | undefined;
  /** Optional: how many times the execution was redriven, and when last. */
  readonly redriveCount?: number | undefined;
  readonly redriveDate?: Date | undefined;
}

export interface MachineView {
  readonly name: string;
  readonly arn: string;
  readonly type: 'STANDARD' | 'EXPRESS';
  readonly definition: unknown;
  /** Optional: when the machine was registered (default: when the API handler was created). */
  readonly creationDate?: Date;
}

/** One page of ListExecutions as the engine answers it: newest first, strictly after the cursor. */
export interface ExecutionListQuery {
  readonly stateMachineArn: string;
  readonly status?: string;
  /** true: redriven at least once; false: never redriven. */
  readonly redriven?: boolean;
  /** The (start time in ms, execution ARN) of the last execution of the previous page. */
  readonly after?: readonly [number, string];
  readonly limit: number;
}

export interface StepFunctionsBackend {
  machineArns(): string[];
  machine(arn: string): MachineView | undefined;
  /** Throws an Error named like 'StepFunctions.ExecutionAlreadyExistsException' (see errors.ts). */
  startExecution(input: { stateMachineArn: string; name?: string; input?: unknown }): ExecutionView;
  describeExecution(executionArn: string): ExecutionView | undefined;
  /** One page (the engine pages from its store; it never lists every execution). */
  listExecutions(query: ExecutionListQuery): ExecutionView[];
  /** An execution's history events, oldest first (one execution's history is bounded). */
  history(executionArn: string): readonly HistoryEventView[];
  /** Optional: commits what the engine wrote, before an answer acknowledges it. */
  flush?(): void;
  /** The runner may record error/cause (StopExecution's members); today it takes the ARN only. */
  stopExecution(executionArn: string, reason?: { error?: string; cause?: string }): void;
  /** Optional: resolves when the execution is no longer running (StopExecution waits for the abort). */
  waitFor?(executionArn: string): Promise<unknown>;
  /** Optional (feature-detected): throws 'StepFunctions.ExecutionNotRedrivable' unless FAILED/TIMED_OUT/ABORTED. */
  redriveExecution?(executionArn: string): ExecutionView;
}

/** One PutEvents entry as the bus takes it (Time already a Date). */
export interface BusEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  Resources?: string[];
  Time?: Date;
  EventBusName?: string;
}

export interface BusResultEntry {
  EventId?: string;
  ErrorCode?: string;
  ErrorMessage?: string;
}

export interface EventBusBackend {
  readonly busName: string;
  /** Per-entry validation and results (InvalidArgument, MalformedDetail, size, unknown bus). */
  putEvents(entries: readonly BusEntry[]): Promise<{ Entries: readonly BusResultEntry[]; FailedEntryCount: number }>;
}

export interface RuleView {
  readonly name: string;
  readonly description?: string;
  readonly pattern: unknown;
  readonly state?: 'ENABLED' | 'DISABLED';
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => Promise<void>;

export interface SimulatorBackend {
  handle: RequestHandler;
}

export interface AwsApiDeps {
  readonly sfn: StepFunctionsBackend;
  readonly bus: EventBusBackend;
  readonly simulator: SimulatorBackend;
  /** The bus's rules (ListRules/DescribeRule); a function is read on every call. */
  readonly rules: readonly RuleView[] | (() => readonly RuleView[]);
  readonly accountId?: string;
  readonly region?: string;
  /** Clock for redrive/stop dates the backend does not report (tests). */
  readonly now?: () => Date;
  /** Keeps a refused event (a PutEvents entry or a StartExecution request) with its reason. */
  readonly onRejected?: (rejection: RejectedInput) => Promise<void>;
}

/** An event the API refused, as the rejected-event store keeps it. */
export interface RejectedInput {
  readonly reason: string;
  readonly event: unknown;
  readonly origin: string;
}
