/**
 * The DynamoDB tables of the ChatlineStore, described once. The CDK construct builds its tables
 * from these descriptions, the DynamoDB store reads and writes these attribute names, and the
 * integration test creates the same tables in dynalite. A test checks the synthesized template
 * against them, so the store and the deployed tables cannot drift apart.
 *
 * - lineage: one item per segment (sk SEGMENT) and per return intent (sk INTENT), keyed by
 *   `<instanceId>#<contactId>`; two sparse GSIs answer the session and customer lookups.
 * - ledger: one item per resumption, keyed by `<instanceId>#<contactId>`.
 * - budget: one item per Connect call budget (core/budget.ts), keyed by the API name; every
 *   reservation is one conditional PutItem on the previous version.
 * - events: processed-event keys (dedup, expire by TTL) and rejected events (one partition,
 *   sorted by arrival, also expiring by TTL).
 */

export interface TableSchema {
  readonly partitionKey: string;
  readonly sortKey?: string;
  readonly indexes: readonly { readonly name: string; readonly partitionKey: string; readonly sortKey: string }[];
  /** The TTL attribute (epoch seconds), if items expire. */
  readonly ttlAttribute?: string;
}

export const LINEAGE_INDEX = { session: 'bySession', customer: 'byCustomer' } as const;

export const STORE_TABLES = {
  lineage: {
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [
      { name: LINEAGE_INDEX.session, partitionKey: 'sessionKey', sortKey: 'contactId' },
      { name: LINEAGE_INDEX.customer, partitionKey: 'customerKey', sortKey: 'contactId' },
    ],
  },
  ledger: { partitionKey: 'pk', indexes: [] },
  budget: { partitionKey: 'pk', indexes: [] },
  events: { partitionKey: 'pk', sortKey: 'sk', indexes: [], ttlAttribute: 'expiresAt' },
} as const satisfies Record<string, TableSchema>;

export type StoreTable = keyof typeof STORE_TABLES;

/** The environment variables that carry the table names into the Lambda functions. */
export const TABLE_NAME_ENV = {
  lineage: 'LINEAGE_TABLE_NAME',
  ledger: 'LEDGER_TABLE_NAME',
  budget: 'BUDGET_TABLE_NAME',
  events: 'EVENTS_TABLE_NAME',
} as const satisfies Record<StoreTable, string>;

export type StoreTableNames = Record<StoreTable, string>;
