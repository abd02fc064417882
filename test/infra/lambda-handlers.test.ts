/**
 * The Lambda entry points as Lambda runs them: module-scope config from the environment, the real
 * DynamoDB store (dynalite over HTTP), Powertools metrics as EMF. Checks that typed errors reach
 * Step Functions with their `name` (the ASL ErrorEquals) and that the dashboard's metrics are emitted.
 */
import type { Context } from 'aws-lambda';
import { CONNECT_EVENT_SOURCE, CONTACT_EVENT_DETAIL_TYPE } from '../../core/constants';
import type { StoreTableNames } from '../../handlers/dynamodb-schema';
import { TABLE_NAME_ENV } from '../../handlers/dynamodb-schema';
import type { Dynalite } from './dynalite';
import { startDynalite } from './dynalite';

type Handler = (input: unknown, context: Context) => Promise<unknown>;

const context = { functionName: 'test', awsRequestId: 'req-1', invokedFunctionArn: 'arn:aws:lambda:us-east-1:1:function:test' } as Context;
const savedEnv = { ...process.env };
let db: Dynalite;
let tables: StoreTableNames;
let emitted: string[];

function setEnv(names: StoreTableNames): void {
  Object.assign(process.env, {
    [TABLE_NAME_ENV.lineage]: names.lineage,
    [TABLE_NAME_ENV.ledger]: names.ledger,
    [TABLE_NAME_ENV.events]: names.events,
    [TABLE_NAME_ENV.budget]: names.budget,
    AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    POWERTOOLS_SERVICE_NAME: 'chatline',
    POWERTOOLS_METRICS_NAMESPACE: 'Chatline',
    POWERTOOLS_DEV: 'true', // metrics and logs through the global console, so the test can read them
    POWERTOOLS_METRICS_DISABLED: 'false',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
}

function load(entry: string): Handler {
  let handler: Handler | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    handler = (require(`../../handlers/lambda/${entry}`) as { handler: Handler }).handler;
  });
  return handler as Handler;
}

/** Metric names in the EMF documents written since the last reset. */
function metricNames(): string[] {
  return emitted
    .filter((line) => line.includes('"_aws"'))
    .flatMap((line) => {
      const doc = JSON.parse(line) as { _aws: { CloudWatchMetrics: { Metrics: { Name: string }[]; Dimensions: string[][] }[] } };
      return doc._aws.CloudWatchMetrics.flatMap((m) => m.Metrics.map((x) => x.Name));
    });
}

const contactEvent = (contactId: string, eventType = 'INITIATED'): Record<string, unknown> => ({
  version: '0',
  id: `evt-${contactId}-${eventType}`,
  source: CONNECT_EVENT_SOURCE,
  'detail-type': CONTACT_EVENT_DETAIL_TYPE,
  account: '111122223333',
  time: '2026-01-01T00:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: {
    eventType,
    contactId,
    channel: 'CHAT',
    initiationMethod: 'API',
    instanceArn: 'arn:aws:connect:us-east-1:111122223333:instance/inst-1',
  },
});

beforeAll(async () => {
  db = await startDynalite();
  tables = await db.createTables();
  setEnv(tables);
});

afterAll(async () => {
  process.env = savedEnv;
  await db.stop();
});

beforeEach(() => {
  emitted = [];
  jest.spyOn(console, 'log').mockImplementation((line: unknown) => void emitted.push(String(line)));
});

afterEach(() => jest.restoreAllMocks());

describe('record-contact-event', () => {
  it('records a contact event and emits EventsIn and SegmentsRecorded in the Chatline namespace', async () => {
    const handler = load('record-contact-event');
    await expect(handler(contactEvent('C1'), context)).resolves.toEqual({ outcome: 'recorded', resumes: [] });
    expect(metricNames()).toEqual(expect.arrayContaining(['EventsIn', 'SegmentsRecorded']));
    expect(emitted.join('\n')).toContain('"Namespace":"Chatline"');
    await expect(handler(contactEvent('C1'), context)).resolves.toEqual({ outcome: 'duplicate', resumes: [] });
    expect(metricNames()).toContain('DuplicateEvents');
  });

  it('rejects an invalid event with the error name the workflow catches, and counts it', async () => {
    const handler = load('record-contact-event');
    const err = await handler({ 'detail-type': 'Something Else' }, context).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'InvalidEventError' });
    expect(metricNames()).toEqual(expect.arrayContaining(['EventsIn', 'EventsRejected']));
  });
});

describe('plan-resumption and record-outcome', () => {
  it('skips a contact with no recorded return, and records the skip with ResumptionsSkipped', async () => {
    const plan = load('plan-resumption');
    await expect(plan({ instanceId: 'inst-1', contactId: 'N1' }, context)).resolves.toMatchObject({ plan: { action: 'skip' } });
    const outcome = load('record-outcome');
    await expect(outcome({ instanceId: 'inst-1', contactId: 'N1', outcome: 'SKIPPED', reason: 'no return' }, context)).resolves.toMatchObject({
      detailType: 'Chat Resumption Skipped',
      detail: { status: 'SKIPPED' },
    });
    expect(metricNames()).toContain('ResumptionsSkipped');
  });

  it('records a terminal Connect answer as FAILED and counts it', async () => {
    const outcome = load('record-outcome');
    const error = { Error: 'Connect.InvalidRequestException', Cause: '{"errorMessage":"contact is already persistent"}' };
    await expect(outcome({ instanceId: 'inst-1', contactId: 'N2', outcome: 'FAILED', error }, context)).resolves.toMatchObject({
      detailType: 'Chat Resumption Failed',
      detail: { status: 'FAILED', reason: 'Connect.InvalidRequestException: contact is already persistent' },
    });
    expect(metricNames()).toEqual(['ResumptionsFailed']);
  });
});

describe('configuration', () => {
  it('fails at cold start, naming every missing table variable', () => {
    const saved = process.env[TABLE_NAME_ENV.ledger];
    delete process.env[TABLE_NAME_ENV.ledger];
    try {
      expect(() => load('plan-resumption')).toThrow(expect.objectContaining({ name: 'InvalidConfigError', message: expect.stringContaining('LEDGER_TABLE_NAME') }));
    } finally {
      process.env[TABLE_NAME_ENV.ledger] = saved;
    }
  });
});
