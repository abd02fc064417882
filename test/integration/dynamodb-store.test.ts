/**
 * The DynamoDB store against dynalite, started in-process on 127.0.0.1 (its default is every
 * interface), through the real @aws-sdk/client-dynamodb over HTTP. The tables are created from
 * the same descriptions the CDK construct deploys (handlers/dynamodb-schema.ts).
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { ConcurrentUpdateError } from '../../core/errors';
import { DynamoDbStore } from '../../handlers/dynamodb-store';
import { describeStoreContract } from '../contract/store-contract';
import type { Dynalite } from '../infra/dynalite';
import { startDynalite } from '../infra/dynalite';

let db: Dynalite;
beforeAll(async () => {
  db = await startDynalite();
});
afterAll(async () => db.stop());

const createTables = (): ReturnType<Dynalite['createTables']> => db.createTables();
const dropTables = (names: Parameters<Dynalite['dropTables']>[0]): Promise<void> => db.dropTables(names);

describeStoreContract('DynamoDB (dynalite)', async () => {
  const tables = await createTables();
  return { store: new DynamoDbStore({ client: db.client, tables }), close: () => dropTables(tables) };
});

describe('DynamoDbStore', () => {
  it('translates only a failed condition into ConcurrentUpdateError, with the SDK error as cause', async () => {
    const tables = await createTables();
    const store = new DynamoDbStore({ client: db.client, tables });
    await store.putIntent({ instanceId: 'i', contactId: 'N1', via: 'auto', detectedAt: '2026-01-01T00:00:00.000Z' }, 0);
    const err = await store
      .putIntent({ instanceId: 'i', contactId: 'N1', via: 'app', detectedAt: '2026-01-01T00:00:00.000Z' }, 5)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConcurrentUpdateError);
    expect((err as Error).name).toBe('ConcurrentUpdateError');
    expect(((err as Error).cause as Error).name).toBe('ConditionalCheckFailedException');
    const broken = new DynamoDbStore({ client: db.client, tables: { ...tables, lineage: 'no-such-table' } });
    await expect(broken.getSegment('i', 'C1')).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await dropTables(tables);
  });

  it('gives processed-event keys and rejected events a TTL in epoch seconds', async () => {
    const tables = await createTables();
    const now = new Date('2026-01-01T00:00:00.000Z');
    const store = new DynamoDbStore({ client: db.client, tables, now: () => now, processedEventTtlSeconds: 60 });
    await store.markProcessed('k', now.toISOString());
    const got = await db.client.send(new GetItemCommand({ TableName: tables.events, Key: { pk: { S: 'PROCESSED#k' }, sk: { S: 'PROCESSED' } } }));
    expect(got.Item?.['expiresAt']).toEqual({ N: String(now.getTime() / 1000 + 60) });
    await dropTables(tables);
  });

  it('pages through query results larger than one response', async () => {
    const tables = await createTables();
    const store = new DynamoDbStore({ client: db.client, tables });
    const big = 'x'.repeat(60_000);
    for (let i = 0; i < 25; i++) {
      await store.putSegment({ instanceId: 'i', contactId: `C${String(i).padStart(2, '0')}`, initialContactId: 'C00', customerId: 'c', agentArn: big, eventTypes: [] }, 0);
    }
    expect((await store.listSessionSegments('i', 'C00')).length).toBe(25);
    expect((await store.listSegments()).length).toBe(25);
    await dropTables(tables);
  });
});
