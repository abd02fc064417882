/**
 * dynalite started in-process on 127.0.0.1 (its default is every interface), with the chatline
 * tables created from the same descriptions the CDK construct deploys (handlers/dynamodb-schema.ts).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AttributeDefinition, CreateTableCommandInput, KeySchemaElement } from '@aws-sdk/client-dynamodb';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { StoreTable, StoreTableNames, TableSchema } from '../../handlers/dynamodb-schema';
import { STORE_TABLES } from '../../handlers/dynamodb-schema';

// dynalite ships no types: it exports one function that returns an http.Server.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (options: { createTableMs?: number; deleteTableMs?: number }) => Server;

export interface Dynalite {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  createTables(prefix?: string): Promise<StoreTableNames>;
  dropTables(names: StoreTableNames): Promise<void>;
  stop(): Promise<void>;
}

export function createTableInput(name: string, schema: TableSchema): CreateTableCommandInput {
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

export async function startDynalite(): Promise<Dynalite> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  let run = 0;
  return {
    endpoint,
    client,
    async createTables(prefix = 'chatline') {
      run += 1;
      const names = Object.fromEntries(Object.keys(STORE_TABLES).map((t) => [t, `${prefix}-${t}-${run}`])) as StoreTableNames;
      for (const [table, schema] of Object.entries(STORE_TABLES) as [StoreTable, TableSchema][]) {
        await client.send(new CreateTableCommand(createTableInput(names[table], schema)));
      }
      return names;
    },
    async dropTables(names) {
      for (const name of Object.values(names)) await client.send(new DeleteTableCommand({ TableName: name }));
    },
    async stop() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
