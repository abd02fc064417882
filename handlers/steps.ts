/**
 * The three Task handlers as factories over injected dependencies. The Lambda entry points
 * (handlers/lambda/*.ts) and the local engine both build them from here, so the code a workflow
 * runs is the same on AWS and on a laptop.
 */
import type { BudgetConfig } from '../core/budget';
import type { PlannerConfig } from '../core/planner';
import type { ChatlineStore } from '../core/store';
import type { DescribedContactsInput, OutcomeInput, OutcomeResult, PlanStepInput, PlanStepResult, RecordResult } from '../core/use-cases';
import { planStep, recordContactEvent, recordDescribedContacts, recordOutcome } from '../core/use-cases';

export interface StepDeps {
  readonly store: ChatlineStore;
  readonly config: PlannerConfig;
  /** The shared Connect call budget. @default DEFAULT_BUDGET_CONFIG (the documented quotas minus 20%) */
  readonly budget?: BudgetConfig;
  readonly now?: () => Date;
}

export interface Steps {
  recordContactEvent(event: unknown): Promise<RecordResult>;
  planResumption(input: PlanStepInput): Promise<PlanStepResult>;
  recordOutcome(input: OutcomeInput): Promise<OutcomeResult>;
  recordDescribedContacts(input: DescribedContactsInput): Promise<{ readonly recorded: number }>;
}

export function createSteps({ store, config, budget, now = () => new Date() }: StepDeps): Steps {
  const deps = { store, now };
  return {
    recordContactEvent: (event) => recordContactEvent(deps, event),
    planResumption: (input) => planStep({ ...deps, config, ...(budget ? { budget } : {}) }, input),
    recordOutcome: (input) => recordOutcome(deps, input),
    recordDescribedContacts: (input) => recordDescribedContacts(deps, input),
  };
}

/** The function names each step has, locally and in the CDK stack. */
export const STEP_FUNCTION_NAMES = {
  recordContactEvent: 'chatline-record-contact-event',
  planResumption: 'chatline-plan-resumption',
  recordOutcome: 'chatline-record-outcome',
  recordDescribedContacts: 'chatline-record-described-contacts',
} as const satisfies Record<keyof Steps, string>;
