/**
 * What the local engine writes down so that a restart loses nothing, and where finished
 * executions live (memory holds only the running ones):
 *  - every Standard execution, and its history as it happens (Express executions keep neither,
 *    as on AWS: their at-least-once comes from the bus inbox);
 *  - the bus's inbox of accepted events whose delivery has not finished;
 *  - the Connect contact events the built-in simulator mirrored, so a restart can rebuild it.
 * Writes are batched (one transaction per event-loop turn); `flush()` commits them, and callers
 * flush before acknowledging anything outside the process.
 */
import type { HistoryEvent } from './history';

export interface ExecutionRow {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly input: string;
  readonly status: string;
  readonly startDate: string;
  readonly stopDate?: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
  readonly redriveCount: number;
  readonly redriveDate?: string;
}

/** One page of ListExecutions: newest first, strictly after the cursor. */
export interface ExecutionPageQuery {
  readonly stateMachineArn?: string;
  readonly status?: string;
  /** true: redriven at least once; false: never redriven. */
  readonly redriven?: boolean;
  /** Keyset cursor: the (start time in ms, execution ARN) of the last row of the previous page. */
  readonly after?: readonly [number, string];
  readonly limit: number;
}

export interface Journal {
  saveExecution(row: ExecutionRow): void;
  appendHistory(executionArn: string, event: HistoryEvent): void;
  getExecution(executionArn: string): ExecutionRow | undefined;
  listExecutions(query: ExecutionPageQuery): ExecutionRow[];
  /** Executions per status (kept as counters, so this does not scan). */
  countExecutions(stateMachineArn?: string): Record<string, number>;
  loadHistory(executionArn: string): HistoryEvent[];
  /** The executions a killed process left RUNNING. */
  runningExecutions(): ExecutionRow[];

  addToInbox(id: string, event: unknown): void;
  removeFromInbox(id: string): void;
  loadInbox(): { id: string; event: unknown }[];

  /** A Connect contact event the built-in simulator mirrored (replayed into it after a restart). */
  keepMirroredEvent(event: unknown): void;
  /** Mirrored events in arrival order, after `afterSeq`, `limit` at a time. */
  mirroredEvents(afterSeq: number, limit: number): { seq: number; event: unknown }[];

  /** Retention: removes finished executions (and their history) and mirrored events older than `cutoff`. */
  pruneBefore(cutoff: Date): { executions: number; mirroredEvents: number };
  /** Commits the batched writes. */
  flush(): void;
}

/** For runs that need no durability (unit tests of the engine). */
export const NO_JOURNAL: Journal = {
  saveExecution: () => undefined,
  appendHistory: () => undefined,
  getExecution: () => undefined,
  listExecutions: () => [],
  countExecutions: () => ({}),
  loadHistory: () => [],
  runningExecutions: () => [],
  addToInbox: () => undefined,
  removeFromInbox: () => undefined,
  loadInbox: () => [],
  keepMirroredEvent: () => undefined,
  mirroredEvents: () => [],
  pruneBefore: () => ({ executions: 0, mirroredEvents: 0 }),
  flush: () => undefined,
};
