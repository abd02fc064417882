/** RecordDescribedContacts (resume-chat workflow): lineage gaps filled from DescribeContact answers. */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DescribedContactsInput } from '../../core/use-cases';
import { CHATLINE_METRICS as M } from './metric-names';
import { lambdaHandler, metrics, steps } from './runtime';

export const handler = lambdaHandler(async (input: DescribedContactsInput) => {
  const result = await steps.recordDescribedContacts(input);
  metrics.addMetric(M.gapsFilled, MetricUnit.Count, result.recorded);
  return result;
});
