/**
 * Least privilege that cannot drift from the code: run every step through a whole resumption on
 * the DynamoDB store (dynalite), record each DynamoDB call it makes, and require the recorded
 * calls to be exactly the grants the construct gives that step (STEP_TABLE_ACCESS).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CONNECT_EVENT_SOURCE, CONTACT_EVENT_DETAIL_TYPE } from '../../core/constants';
import { DEFAULT_PLANNER_CONFIG } from '../../core/planner';
import type { StoreTable, StoreTableNames } from '../../handlers/dynamodb-schema';
import { DynamoDbStore } from '../../handlers/dynamodb-store';
import { createSteps } from '../../handlers/steps';
import type { StepKey } from '../../infra/chatline-orchestrator';
import { STEP_TABLE_ACCESS } from '../../infra/chatline-orchestrator';
import type { Dynalite } from './dynalite';
import { startDynalite } from './dynalite';

type Observed = Record<string, { actions: string[]; indexes: string[] }>;

let db: Dynalite;
beforeAll(async () => {
  db = await startDynalite();
});
afterAll(async () => db.stop());

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const at = (seconds: number): string => new Date(T0 + seconds * 1000).toISOString();

const event = (contactId: string, eventType: string, seconds: number, extra: Record<string, unknown> = {}): unknown => ({
  id: `${contactId}-${eventType}`,
  source: CONNECT_EVENT_SOURCE,
  'detail-type': CONTACT_EVENT_DETAIL_TYPE,
  time: at(seconds),
  detail: {
    eventType,
    contactId,
    channel: 'CHAT',
    instanceArn: 'arn:aws:connect:eu-west-2:123456789012:instance/inst-1',
    // As Connect sends them: detection compares these instants.
    ...(eventType === 'INITIATED' ? { initiationTimestamp: at(seconds) } : {}),
    ...(eventType === 'DISCONNECTED' ? { disconnectTimestamp: at(seconds) } : {}),
    ...extra,
  },
});

it('each step makes exactly the DynamoDB calls the construct grants it', async () => {
  // Prepare: a store whose client records (step, operation, table, index) for every call.
  const tables = await db.createTables('access');
  const tableKey = Object.fromEntries(Object.entries(tables).map(([k, v]) => [v, k])) as Record<string, StoreTable>;
  const observed: Record<StepKey, Observed> = { recordContactEvent: {}, planResumption: {}, recordOutcome: {}, recordDescribedContacts: {} };
  let step: StepKey = 'recordContactEvent';
  const client = new DynamoDBClient({ endpoint: db.endpoint, region: 'eu-west-2', credentials: { accessKeyId: 't', secretAccessKey: 't' }, maxAttempts: 1 });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { TableName: string; IndexName?: string };
      const table = tableKey[input.TableName] as StoreTable;
      const entry = (observed[step][table] ??= { actions: [], indexes: [] });
      const action = `dynamodb:${String(context.commandName).replace(/Command$/, '')}`;
      if (input.IndexName) entry.indexes.push(input.IndexName);
      else entry.actions.push(action);
      return next(args);
    },
    { step: 'initialize', name: 'recordTableAccess' },
  );
  let now = T0;
  const store = new DynamoDbStore({ client, tables: tables as StoreTableNames });
  const steps = createSteps({ store, config: DEFAULT_PLANNER_CONFIG, now: () => new Date(now) });

  // Act: a customer's past chat (C1 → transfer C2 → survey C3), their return (N1), an invalid event.
  step = 'recordContactEvent';
  now = T0 + 1_000_000;
  await steps.recordContactEvent(event('C1', 'INITIATED', 0, { customerId: 'cust', initiationMethod: 'API' }));
  await steps.recordContactEvent(event('C2', 'INITIATED', 60, { initiationMethod: 'TRANSFER', previousContactId: 'C1', initialContactId: 'C1' }));
  await steps.recordContactEvent(event('C3', 'INITIATED', 120, { initiationMethod: 'DISCONNECT', previousContactId: 'C2', initialContactId: 'C1' }));
  for (const c of ['C1', 'C2', 'C3']) await steps.recordContactEvent(event(c, 'DISCONNECTED', 180));
  const returned = await steps.recordContactEvent(event('N1', 'INITIATED', 900, { customerId: 'cust', initiationMethod: 'API' }));
  expect(returned.resumes).toHaveLength(1);
  await expect(steps.recordContactEvent({ 'detail-type': 'nope' })).rejects.toMatchObject({ name: 'InvalidEventError' });
  step = 'planResumption';
  now = T0 + 2_000_000;
  const planned = await steps.planResumption({ instanceId: 'inst-1', contactId: 'N1' });
  expect(planned.plan).toMatchObject({ action: 'associate' });
  step = 'recordOutcome';
  await steps.recordOutcome({ instanceId: 'inst-1', contactId: 'N1', outcome: 'ASSOCIATED', continuedFromContactId: 'C2' });
  await store.getIntent('inst-1', 'N1'); // what the record-outcome Lambda reads for ReturnToAssociationMs
  step = 'recordDescribedContacts';
  const filled = await steps.recordDescribedContacts({
    instanceId: 'inst-1',
    contactId: 'N1',
    described: [
      { Contact: { Id: 'C4', Channel: 'CHAT', InitiationMethod: 'TRANSFER', InitialContactId: 'C1', PreviousContactId: 'C3', DisconnectTimestamp: 1_700_000_000 } },
      { Contact: { Channel: 'CHAT' } },
      {},
    ],
  });
  expect(filled).toEqual({ recorded: 1 });

  // Assess: observed calls, as sets, equal the grants.
  const normalize = (o: Observed | Record<string, { actions: readonly string[]; indexes?: readonly string[] }>): unknown =>
    Object.fromEntries(
      Object.entries(o)
        .map(([t, a]) => [t, { actions: [...new Set(a.actions)].sort(), indexes: [...new Set(a.indexes ?? [])].sort() }])
        .sort(([a], [b]) => String(a).localeCompare(String(b))),
    );
  for (const key of Object.keys(STEP_TABLE_ACCESS) as StepKey[]) {
    expect({ step: key, access: normalize(observed[key]) }).toEqual({ step: key, access: normalize(STEP_TABLE_ACCESS[key]) });
  }
  client.destroy();
});
