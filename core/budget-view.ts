/**
 * What the ops view shows of the Connect call budget, from the store port: per budget the rate in
 * use, the calls queued for a slot, the throttles of the last minute; and the oldest return still
 * waiting (a PLANNED ledger record: waiting for its transcripts or for its slot).
 */
import type { BudgetConfig, BudgetFigures } from './budget';
import { BUDGET_KEYS, budgetFigures } from './budget';
import type { ChatlineStore } from './store';

export interface BudgetStatus {
  readonly enabled: boolean;
  readonly budgets: readonly BudgetFigures[];
  /** Returns planned and not yet ended (ASSOCIATED, SKIPPED or FAILED). */
  readonly waiting: number;
  readonly oldestWaiting?: { readonly contactId: string; readonly since: string; readonly seconds: number };
}

export async function budgetStatus(store: ChatlineStore, config: BudgetConfig, now: Date): Promise<BudgetStatus> {
  const [states, resumptions] = await Promise.all([store.listBudgets(), store.listResumptions()]);
  const nowMs = now.getTime();
  const budgets = (['association', 'describe'] as const).map((k) =>
    budgetFigures(
      states.find((s) => s.key === BUDGET_KEYS[k]),
      BUDGET_KEYS[k],
      config[k],
      nowMs,
    ),
  );
  const planned = resumptions.filter((r) => r.status === 'PLANNED').sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const oldest = planned[0];
  return {
    enabled: config.enabled,
    budgets,
    waiting: planned.length,
    ...(oldest ? { oldestWaiting: { contactId: oldest.contactId, since: oldest.createdAt, seconds: Math.max(0, Math.round((nowMs - Date.parse(oldest.createdAt)) / 1000)) } } : {}),
  };
}
