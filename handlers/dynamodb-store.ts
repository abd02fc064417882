/**
 * The ChatlineStore on DynamoDB. Every write is a single conditional PutItem (no transactions:
 * dynalite, the test double, has none, and one item per write needs none): version 0 means
 * `attribute_not_exists(pk)`, any other version means `#v = :expected`. A failed condition is
 * translated here, at the adapter, into the domain's ConcurrentUpdateError; every other SDK error
 * is rethrown unchanged.
 *
 * Reads of single items are strongly consistent. The session and customer lookups go through
 * GSIs, which are eventually consistent on AWS: a segment written a moment ago may be missing
 * from them for a short while. The planner tolerates that (PastSessionNotReadyError is retried).
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { NativeAttributeValue, QueryCommandInput, ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { BudgetState } from '../core/budget';
import { ConcurrentUpdateError } from '../core/errors';
import type { Resumption } from '../core/ledger';
import type { Segment } from '../core/lineage';
import { sessionIdOf } from '../core/lineage';
import type { ReturnIntent } from '../core/returns';
import type { BudgetChange, ChatlineStore, RejectedEvent, ResumptionPage, ResumptionQuery, Versioned } from '../core/store';
import { compareResumptionsNewestFirst, decodeResumptionCursor, encodeResumptionCursor, matchesResumptionQuery } from '../core/store';
import type { StoreTableNames } from './dynamodb-schema';
import { LINEAGE_INDEX } from './dynamodb-schema';

export interface DynamoDbStoreOptions {
  readonly client: DynamoDBClient;
  readonly tables: StoreTableNames;
  /** How long a processed-event key is kept for dedup. @default 7 days (EventBridge retries for at most 24 h) */
  readonly processedEventTtlSeconds?: number;
  /** How long a rejected event is kept. @default 90 days */
  readonly rejectedEventTtlSeconds?: number;
  readonly now?: () => Date;
  /**
   * How often a budget update is tried when other writers keep winning the conditional write.
   * @default 60 (with a jittered pause between tries: a burst of returns reserves at once)
   */
  readonly budgetUpdateAttempts?: number;
}

type Item = Record<string, NativeAttributeValue>;

const SEGMENT = 'SEGMENT';
const INTENT = 'INTENT';
const REJECTED_PK = 'REJECTED';
const DAY = 86_400;

const key = (instanceId: string, contactId: string): string => `${instanceId}#${contactId}`;

export class DynamoDbStore implements ChatlineStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tables: StoreTableNames;
  private readonly processedTtl: number;
  private readonly rejectedTtl: number;
  private readonly now: () => Date;
  private sequence = 0;
  private readonly budgetUpdateAttempts: number;

  constructor(options: DynamoDbStoreOptions) {
    this.doc = DynamoDBDocumentClient.from(options.client, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    });
    this.tables = options.tables;
    this.processedTtl = options.processedEventTtlSeconds ?? 7 * DAY;
    this.rejectedTtl = options.rejectedEventTtlSeconds ?? 90 * DAY;
    this.now = options.now ?? (() => new Date());
    this.budgetUpdateAttempts = options.budgetUpdateAttempts ?? 60;
  }

  async markProcessed(eventKey: string, at: string): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tables.events,
          Item: { pk: `PROCESSED#${eventKey}`, sk: 'PROCESSED', at, expiresAt: this.expiry(this.processedTtl) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async putRejected(r: RejectedEvent): Promise<void> {
    // Sort key: arrival time, then a per-process sequence and a random tail so equal times never collide.
    const sk = `${r.receivedAt}#${String(++this.sequence).padStart(10, '0')}#${randomUUID()}`;
    await this.doc.send(
      new PutCommand({
        TableName: this.tables.events,
        Item: {
          pk: REJECTED_PK,
          sk,
          receivedAt: r.receivedAt,
          reason: r.reason,
          origin: r.origin,
          // The raw event is arbitrary JSON: keep it as text so it round-trips exactly.
          event: JSON.stringify(r.event ?? null),
          expiresAt: this.expiry(this.rejectedTtl),
        },
      }),
    );
  }

  async listRejected(): Promise<RejectedEvent[]> {
    const items = await this.queryAll({
      TableName: this.tables.events,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': REJECTED_PK },
      ConsistentRead: true,
    });
    return items.map((i) => ({
      receivedAt: i['receivedAt'] as string,
      reason: i['reason'] as string,
      event: JSON.parse(i['event'] as string) as unknown,
      ...(typeof i['origin'] === 'string' ? { origin: i['origin'] } : {}),
    }));
  }

  getSegment(instanceId: string, contactId: string): Promise<Versioned<Segment> | undefined> {
    return this.get<Segment>(this.tables.lineage, { pk: key(instanceId, contactId), sk: SEGMENT });
  }

  putSegment(segment: Segment, expectedVersion: number): Promise<void> {
    return this.put(
      this.tables.lineage,
      { pk: key(segment.instanceId, segment.contactId), sk: SEGMENT },
      segment,
      expectedVersion,
      {
        contactId: segment.contactId,
        sessionKey: key(segment.instanceId, sessionIdOf(segment)),
        // Sparse index: a segment without a customer id is not in byCustomer.
        customerKey: segment.customerId === undefined ? undefined : key(segment.instanceId, segment.customerId),
      },
    );
  }

  listSessionSegments(instanceId: string, sessionId: string): Promise<Segment[]> {
    return this.queryIndex(LINEAGE_INDEX.session, 'sessionKey', key(instanceId, sessionId));
  }

  listCustomerSegments(instanceId: string, customerId: string): Promise<Segment[]> {
    return this.queryIndex(LINEAGE_INDEX.customer, 'customerKey', key(instanceId, customerId));
  }

  /** The customer's segments (byCustomer), then each of their sessions (bySession). */
  async listCustomerSessionSegments(instanceId: string, customerId: string): Promise<Segment[]> {
    const sessionIds = new Set((await this.listCustomerSegments(instanceId, customerId)).map(sessionIdOf));
    const sessions = await Promise.all([...sessionIds].map((id) => this.listSessionSegments(instanceId, id)));
    return sessions.flat().sort((a, b) => compareKeys([sessionIdOf(a), a.contactId], [sessionIdOf(b), b.contactId]));
  }

  async listSegments(): Promise<Segment[]> {
    const items = await this.scanAll({
      TableName: this.tables.lineage,
      FilterExpression: 'sk = :sk',
      ExpressionAttributeValues: { ':sk': SEGMENT },
      ConsistentRead: true,
    });
    const segments = items.map((i) => i['value'] as Segment);
    return segments.sort((a, b) => compareKeys([a.instanceId, sessionIdOf(a), a.contactId], [b.instanceId, sessionIdOf(b), b.contactId]));
  }

  getIntent(instanceId: string, contactId: string): Promise<Versioned<ReturnIntent> | undefined> {
    return this.get<ReturnIntent>(this.tables.lineage, { pk: key(instanceId, contactId), sk: INTENT });
  }

  putIntent(intent: ReturnIntent, expectedVersion: number): Promise<void> {
    return this.put(this.tables.lineage, { pk: key(intent.instanceId, intent.contactId), sk: INTENT }, intent, expectedVersion, {});
  }

  getResumption(instanceId: string, contactId: string): Promise<Versioned<Resumption> | undefined> {
    return this.get<Resumption>(this.tables.ledger, { pk: key(instanceId, contactId) });
  }

  putResumption(resumption: Resumption, expectedVersion: number): Promise<void> {
    return this.put(this.tables.ledger, { pk: key(resumption.instanceId, resumption.contactId) }, resumption, expectedVersion, {
      status: resumption.status,
    });
  }

  async listResumptions(): Promise<Resumption[]> {
    const items = await this.scanAll({ TableName: this.tables.ledger, ConsistentRead: true });
    const records = items.map((i) => i['value'] as Resumption);
    return records.sort((a, b) => compareKeys([a.instanceId, a.contactId], [b.instanceId, b.contactId]));
  }

  /**
   * The ledger has no time index: a page is one consistent Scan of the ledger, filtered and
   * sorted here (the total is exact). Fine for an operator's console over a ledger of tens of
   * thousands; a createdAt GSI would be the next step beyond that.
   */
  async pageResumptions(q: ResumptionQuery): Promise<ResumptionPage> {
    const matching = (await this.listResumptions()).filter((r) => matchesResumptionQuery(r, q)).sort(compareResumptionsNewestFirst);
    const after = q.cursor === undefined ? undefined : decodeResumptionCursor(q.cursor);
    const start = after ? matching.findIndex((r) => compareResumptionsNewestFirst(r, after) > 0) : 0;
    const limit = Math.max(1, Math.min(1000, Math.floor(q.limit)));
    const rest = start < 0 ? [] : matching.slice(start);
    const items = rest.slice(0, limit);
    const last = items.at(-1);
    return { items, total: matching.length, ...(rest.length > limit && last ? { next: encodeResumptionCursor(last) } : {}) };
  }

  /**
   * A search names no instance, and the lineage keys and indexes all start with one: a filtered
   * consistent Scan of the lineage table (segments only).
   */
  async findSegments(by: { readonly contactId: string } | { readonly customerId: string }): Promise<Segment[]> {
    const byContact = 'contactId' in by;
    const items = await this.scanAll({
      TableName: this.tables.lineage,
      FilterExpression: byContact ? 'sk = :sk AND contactId = :v' : 'sk = :sk AND #value.customerId = :v',
      ...(byContact ? {} : { ExpressionAttributeNames: { '#value': 'value' } }),
      ExpressionAttributeValues: { ':sk': SEGMENT, ':v': byContact ? by.contactId : by.customerId },
      ConsistentRead: true,
    });
    return items.map((i) => i['value'] as Segment).sort((a, b) => compareKeys([a.instanceId, a.contactId], [b.instanceId, b.contactId]));
  }

  async getBudget(budgetKey: string): Promise<BudgetState | undefined> {
    return (await this.get<BudgetState>(this.tables.budget, { pk: budgetKey }))?.value;
  }

  /**
   * Optimistic read-modify-write: one conditional PutItem on the version read. A lost race reads
   * again after a short random pause (full jitter, growing with the attempt), so a burst of
   * reservations on the one budget item spreads out instead of retrying in lockstep.
   */
  async updateBudget<R>(budgetKey: string, change: (current: BudgetState | undefined) => BudgetChange<R>): Promise<R> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.get<BudgetState>(this.tables.budget, { pk: budgetKey });
      const { next, result } = change(current?.value);
      if (!next) return result;
      try {
        await this.put(this.tables.budget, { pk: budgetKey }, next, current?.version ?? 0, {});
        return result;
      } catch (err) {
        if (!(err instanceof ConcurrentUpdateError) || attempt >= this.budgetUpdateAttempts) throw err;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(200, 5 * attempt)));
      }
    }
  }

  async listBudgets(): Promise<BudgetState[]> {
    const items = await this.scanAll({ TableName: this.tables.budget, ConsistentRead: true });
    return items.map((i) => i['value'] as BudgetState).sort((a, b) => compareKeys([a.key], [b.key]));
  }

  private async get<T>(table: string, itemKey: Item): Promise<Versioned<T> | undefined> {
    const { Item: item } = await this.doc.send(new GetCommand({ TableName: table, Key: itemKey, ConsistentRead: true }));
    return item ? { value: item['value'] as T, version: item['version'] as number } : undefined;
  }

  /** The conditional write: create at version 0, otherwise replace only the expected version. */
  private async put(table: string, itemKey: Item, value: object, expectedVersion: number, attributes: Item): Promise<void> {
    const create = expectedVersion === 0;
    try {
      await this.doc.send(
        new PutCommand({
          TableName: table,
          Item: { ...attributes, ...itemKey, version: expectedVersion + 1, value },
          ConditionExpression: create ? 'attribute_not_exists(pk)' : '#v = :expected',
          ...(create ? {} : { ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':expected': expectedVersion } }),
        }),
      );
    } catch (err) {
      if (isConditionFailure(err)) {
        throw new ConcurrentUpdateError(`${table} ${String(itemKey['pk'])}: version ${expectedVersion} is no longer current`, { cause: err });
      }
      throw err;
    }
  }

  private async queryIndex(indexName: string, attribute: string, value: string): Promise<Segment[]> {
    const items = await this.queryAll({
      TableName: this.tables.lineage,
      IndexName: indexName,
      KeyConditionExpression: '#k = :k',
      ExpressionAttributeNames: { '#k': attribute },
      ExpressionAttributeValues: { ':k': value },
    });
    return items.map((i) => i['value'] as Segment);
  }

  private queryAll(input: QueryCommandInput): Promise<Item[]> {
    return this.allPages((start) => this.doc.send(new QueryCommand({ ...input, ...(start ? { ExclusiveStartKey: start } : {}) })));
  }

  private scanAll(input: ScanCommandInput): Promise<Item[]> {
    return this.allPages((start) => this.doc.send(new ScanCommand({ ...input, ...(start ? { ExclusiveStartKey: start } : {}) })));
  }

  /** Follows LastEvaluatedKey until the last page. */
  private async allPages(page: (start: Item | undefined) => Promise<{ Items?: Item[]; LastEvaluatedKey?: Item }>): Promise<Item[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const out = await page(start);
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }

  private expiry(ttlSeconds: number): number {
    return Math.floor(this.now().getTime() / 1000) + ttlSeconds;
  }
}

function isConditionFailure(err: unknown): boolean {
  return err instanceof Error && err.name === 'ConditionalCheckFailedException';
}

function compareKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
