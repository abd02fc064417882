/**
 * The custom metrics the Lambda steps emit (Powertools EMF) and the dashboard plots. One list, so
 * the dashboard cannot plot a metric nothing emits (checked in test/infra).
 */
export const CHATLINE_METRICS = {
  eventsIn: 'EventsIn',
  segmentsRecorded: 'SegmentsRecorded',
  duplicateEvents: 'DuplicateEvents',
  eventsRejected: 'EventsRejected',
  returnsDetected: 'ReturnsDetected',
  resumptionsPlanned: 'ResumptionsPlanned',
  pastSessionNotReady: 'PastSessionNotReady',
  resumptionsSucceeded: 'ResumptionsSucceeded',
  resumptionsFailed: 'ResumptionsFailed',
  resumptionsSkipped: 'ResumptionsSkipped',
  returnToAssociationMs: 'ReturnToAssociationMs',
  gapsFilled: 'GapsFilledFromDescribeContact',
  outcomesNotPublished: 'OutcomesNotPublished',
} as const;

/** Defaults the construct passes as POWERTOOLS_METRICS_NAMESPACE / POWERTOOLS_SERVICE_NAME. */
export const DEFAULT_METRICS_NAMESPACE = 'Chatline';
export const DEFAULT_SERVICE_NAME = 'chatline';
