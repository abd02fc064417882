/** PlanResumption, ConfirmTurn, ReportThrottle, ReportConnectFailure, RecordConnectFailure and FillGapsOrSkip (resume-chat workflow): plan once and store it, take a turn in the Connect call budget, confirm it when the slot comes. */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { PastSessionNotReadyError } from '../../core/errors';
import type { PlanStepInput } from '../../core/use-cases';
import { CHATLINE_METRICS as M } from './metric-names';
import { lambdaHandler, metrics, steps } from './runtime';

export const handler = lambdaHandler(async (input: PlanStepInput) => {
  try {
    const result = await steps.planResumption({
      instanceId: input.instanceId,
      contactId: input.contactId,
      ...(input.throttled === true ? { throttled: true } : {}),
      ...(input.confirm === true ? { confirm: true } : {}),
      ...(input.unavailable !== undefined ? { unavailable: input.unavailable } : {}),
      ...(input.notReady !== undefined ? { notReady: input.notReady } : {}),
      ...(input.connectFailure !== undefined ? { connectFailure: input.connectFailure } : {}),
    });
    if (result.plan.action === 'associate') metrics.addMetric(M.resumptionsPlanned, MetricUnit.Count, 1);
    return result;
  } catch (err) {
    if (err instanceof PastSessionNotReadyError) metrics.addMetric(M.pastSessionNotReady, MetricUnit.Count, 1);
    throw err;
  }
});
