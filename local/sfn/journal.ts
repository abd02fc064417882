/**
 * What the local engine writes down so that a restart loses nothing: every execution, its
 * history as it happens, and the bus's inbox of accepted-but-undelivered events.
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

export interface Journal {
  saveExecution(row: ExecutionRow): void;
  appendHistory(executionArn: string, event: HistoryEvent): void;
  loadExecutions(): { row: ExecutionRow; history: HistoryEvent[] }[];
  addToInbox(id: string, event: unknown): void;
  removeFromInbox(id: string): void;
  loadInbox(): { id: string; event: unknown }[];
}

/** For runs that need no durability (unit tests of the engine). */
export const NO_JOURNAL: Journal = {
  saveExecution: () => undefined,
  appendHistory: () => undefined,
  loadExecutions: () => [],
  addToInbox: () => undefined,
  removeFromInbox: () => undefined,
  loadInbox: () => [],
};
