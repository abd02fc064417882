/**
 * The DynamoDB store against dynalite, started in-process on 127.0.0.1 (its default is every
 * interface), through the real @aws-sdk/client-dynamodb over HTTP. The tables are created from
 * the same descriptions the CDK construct deploys (handlers/dynamodb-schema.ts).
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { AttributeDefinition, CreateTableCommandInput, KeySchemaElement } from '@aws-sdk/client-dynamodb';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ConcurrentUpdateError } from '../../core/errors';
import type { StoreTable, StoreTableNames, TableSchema } from '../../handlers/dynamodb-schema';
import { STORE_TABLES } from '../../handlers/dynamodb-schema';
import { DynamoDbStore } from '../../handlers/dynamodb-store';
import { describeStoreContract } from '../contract/store-contract';

// dynalite ships no types: it exports one function that returns an http.Server.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (options: { createTableMs?: number; deleteTableMs?: number }) => Server;

let server: Server;
let client: DynamoDBClient;
let run = 0;

beforeAll(async () => {
  server = dynalite({ createTableMs: 0, deleteTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client?.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function createTableInput(name: string, schema: TableSchema): CreateTableCommandInput {
  const keyOf = (pk: string, sk?: string): KeySchemaElement[] => [
    { AttributeName: pk, KeyType: 'HASH' },
    ...(sk ? [{ AttributeName: sk, KeyType: 'RANGE' as const }] : []),
  ];
  const names = new Set([schema.partitionKey, ...(schema.sortKey ? [schema.sortKey] : [])]);
  for (const i of schema.indexes) names.add(i.partitionKey).add(i.sortKey);
  const attributes: AttributeDefinition[] = [...names].map((n) => ({ AttributeName: n, AttributeType: 'S' }));
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: attributes,
    KeySchema: keyOf(schema.partitionKey, schema.sortKey),
    ...(schema.indexes.length > 0
      ? {
          GlobalSecondaryIndexes: schema.indexes.map((i) => ({
            IndexName: i.name,
            KeySchema: keyOf(i.partitionKey, i.sortKey),
            Projection: { ProjectionType: 'ALL' },
          })),
        }
      : {}),
  };
}

async function createTables(): Promise<StoreTableNames> {
  run += 1;
  const names = Object.fromEntries(Object.keys(STORE_TABLES).map((t) => [t, `chatline-${t}-${run}`])) as StoreTableNames;
  for (const [table, schema] of Object.entries(STORE_TABLES) as [StoreTable, TableSchema][]) {
    await client.send(new CreateTableCommand(createTableInput(names[table], schema)));
  }
  return names;
}

async function dropTables(names: StoreTableNames): Promise<void> {
  for (const name of Object.values(names)) await client.send(new DeleteTableCommand({ TableName: name }));
}

describeStoreContract('DynamoDB (dynalite)', async () => {
  const tables = await createTables();
  return { store: new DynamoDbStore({ client, tables }), close: () => dropTables(tables) };
});

describe('DynamoDbStore', () => {
  it('translates only a failed condition into ConcurrentUpdateError, with the SDK error as cause', async () => {
    const tables = await createTables();
    const store = new DynamoDbStore({ client, tables });
    await store.putIntent({ instanceId: 'i', contactId: 'N1', via: 'auto', detectedAt: '2026-01-01T00:00:00.000Z' }, 0);
    const err = await store
      .putIntent({ instanceId: 'i', contactId: 'N1', via: 'app', detectedAt: '2026-01-01T00:00:00.000Z' }, 5)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConcurrentUpdateError);
    expect((err as Error).name).toBe('ConcurrentUpdateError');
    expect(((err as Error).cause as Error).name).toBe('ConditionalCheckFailedException');
    const broken = new DynamoDbStore({ client, tables: { ...tables, lineage: 'no-such-table' } });
    await expect(broken.getSegment('i', 'C1')).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await dropTables(tables);
  });

  it('gives processed-event keys and rejected events a TTL in epoch seconds', async () => {
    const tables = await createTables();
    const now = new Date('2026-01-01T00:00:00.000Z');
    const store = new DynamoDbStore({ client, tables, now: () => now, processedEventTtlSeconds: 60 });
    await store.markProcessed('k', now.toISOString());
    const { GetItemCommand } = await import('@aws-sdk/client-dynamodb');
    const got = await client.send(new GetItemCommand({ TableName: tables.events, Key: { pk: { S: 'PROCESSED#k' }, sk: { S: 'PROCESSED' } } }));
    expect(got.Item?.['expiresAt']).toEqual({ N: String(now.getTime() / 1000 + 60) });
    await dropTables(tables);
  });

  it('pages through query results larger than one response', async () => {
    const tables = await createTables();
    const store = new DynamoDbStore({ client, tables });
    const big = 'x'.repeat(60_000);
    for (let i = 0; i < 25; i++) {
      await store.putSegment({ instanceId: 'i', contactId: `C${String(i).padStart(2, '0')}`, initialContactId: 'C00', customerId: 'c', agentArn: big, eventTypes: [] }, 0);
    }
    expect((await store.listSessionSegments('i', 'C00')).length).toBe(25);
    expect((await store.listSegments()).length).toBe(25);
    await dropTables(tables);
  });
});
