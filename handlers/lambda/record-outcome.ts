/**
 * RecordOutcome (resume-chat workflow): the ledger transition, the continuation edge, the metrics.
 * RecordPublishFailure calls it again with `publishError` when the outcome event could not be published.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { OutcomeInput } from '../../core/use-cases';
import { CHATLINE_METRICS as M } from './metric-names';
import { lambdaHandler, metrics, steps, store } from './runtime';

const OUTCOME_METRIC = {
  ASSOCIATED: M.resumptionsSucceeded,
  FAILED: M.resumptionsFailed,
  SKIPPED: M.resumptionsSkipped,
} as const satisfies Record<OutcomeInput['outcome'], string>;

export const handler = lambdaHandler(async (input: OutcomeInput) => {
  const result = await steps.recordOutcome(input);
  if (input.publishError) {
    // The second call, after PublishOutcome failed: the outcome was counted the first time.
    metrics.addMetric(M.outcomesNotPublished, MetricUnit.Count, 1);
    return result;
  }
  metrics.addMetric(OUTCOME_METRIC[input.outcome], MetricUnit.Count, 1);
  if (input.outcome === 'ASSOCIATED') {
    const intent = await store.getIntent(input.instanceId, input.contactId);
    const since = intent ? Date.parse(intent.value.detectedAt) : Number.NaN;
    if (Number.isFinite(since)) metrics.addMetric(M.returnToAssociationMs, MetricUnit.Milliseconds, Math.max(0, Date.now() - since));
  }
  return result;
});
