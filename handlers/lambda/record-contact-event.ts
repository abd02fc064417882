/** RecordContactEvent (contact-events workflow): validate, merge into the lineage, detect a return. */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { CONTACT_EVENT_DETAIL_TYPE } from '../../core/constants';
import { InvalidEventError } from '../../core/errors';
import { CHATLINE_METRICS as M } from './metric-names';
import { lambdaHandler, metrics, steps } from './runtime';

const isContactEvent = (event: unknown): boolean =>
  typeof event === 'object' && event !== null && (event as Record<string, unknown>)['detail-type'] === CONTACT_EVENT_DETAIL_TYPE;

export const handler = lambdaHandler(async (event: unknown) => {
  metrics.addMetric(M.eventsIn, MetricUnit.Count, 1);
  try {
    const result = await steps.recordContactEvent(event);
    if (result.outcome === 'duplicate') metrics.addMetric(M.duplicateEvents, MetricUnit.Count, 1);
    else if (isContactEvent(event)) metrics.addMetric(M.segmentsRecorded, MetricUnit.Count, 1);
    if (result.resumes.length > 0) metrics.addMetric(M.returnsDetected, MetricUnit.Count, result.resumes.length);
    return result;
  } catch (err) {
    if (err instanceof InvalidEventError) metrics.addMetric(M.eventsRejected, MetricUnit.Count, 1);
    throw err;
  }
});
