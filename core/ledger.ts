/**
 * The resumption ledger: one record per returning contact and the only transitions it may take.
 *
 *   (none) ─▶ PLANNED ─▶ ASSOCIATED
 *     │          ├─────▶ FAILED ─▶ ASSOCIATED   (a redriven execution that then succeeds)
 *     │          │          └────▶ PLANNED      (a redrive after Connect throttled or failed past
 *     │          │                               the retries: a new turn, the same plan)
 *     └──────────┴─────▶ SKIPPED
 *
 * Recording the same terminal outcome twice is a no-op, so duplicate deliveries are harmless.
 */
import { InvalidTransitionError } from './errors';
import type { ResumptionPlan } from './planner';
import { compact } from './lineage';

export type ResumptionStatus = 'PLANNED' | 'ASSOCIATED' | 'FAILED' | 'SKIPPED';

export interface Resumption {
  readonly instanceId: string;
  readonly contactId: string;
  readonly status: ResumptionStatus;
  readonly via?: 'app' | 'auto';
  readonly plan?: ResumptionPlan;
  readonly continuedFromContactId?: string;
  /** CreatePersistentContactAssociation calls made for this contact (counted by the runtime). */
  readonly attempts: number;
  /** Throttles that outlasted the Associate state's own retry; each got a new budget slot. */
  readonly throttleRounds?: number;
  readonly reason?: string;
  /**
   * Set when the outcome event ("Chat Resumption Succeeded | Failed | Skipped") could not be
   * published after its retries. The outcome itself is this record; only the event is missing.
   */
  readonly publishError?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type Outcome =
  | { readonly status: 'PLANNED'; readonly plan: ResumptionPlan; readonly via?: 'app' | 'auto' }
  | { readonly status: 'ASSOCIATED'; readonly continuedFromContactId?: string }
  | { readonly status: 'FAILED'; readonly reason: string }
  | { readonly status: 'SKIPPED'; readonly reason: string; readonly via?: 'app' | 'auto' };

const allowed: Record<ResumptionStatus | 'NONE', readonly ResumptionStatus[]> = {
  NONE: ['PLANNED', 'SKIPPED', 'FAILED'],
  PLANNED: ['ASSOCIATED', 'FAILED', 'SKIPPED'],
  FAILED: ['ASSOCIATED', 'FAILED', 'PLANNED'],
  ASSOCIATED: [],
  SKIPPED: [],
};

/** Applies an outcome; returns the record unchanged when it is a repeat of the current state. */
export function applyOutcome(
  key: { instanceId: string; contactId: string },
  current: Resumption | undefined,
  outcome: Outcome,
  now: Date,
): Resumption {
  const at = now.toISOString();
  if (current && current.status === outcome.status && outcome.status !== 'FAILED') return current;
  if (!allowed[current?.status ?? 'NONE'].includes(outcome.status)) {
    throw new InvalidTransitionError(
      `resumption ${key.instanceId}/${key.contactId}: ${current?.status ?? 'NONE'} → ${outcome.status} is not allowed`,
    );
  }
  const base: Resumption = current ?? { ...key, status: outcome.status, attempts: 0, createdAt: at, updatedAt: at };
  return compact({
    ...base,
    ...outcome,
    reason: 'reason' in outcome ? outcome.reason : undefined,
    updatedAt: at,
  });
}
