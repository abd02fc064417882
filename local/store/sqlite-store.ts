/**
 * The embedded store: one SQLite file (better-sqlite3, WAL, synchronous=NORMAL, checkpoints every
 * 10,000 WAL pages). Conditional
 * writes are `INSERT ... ON CONFLICT DO NOTHING` and `UPDATE ... WHERE version = ?`, the local
 * equivalents of DynamoDB's conditional puts; a lost race throws ConcurrentUpdateError.
 *
 * Speed: statements are prepared once (`stmt`), and writes are batched into one transaction per
 * turn of the event loop (`batch`, see write-batch.ts); `flush()` commits before an answer leaves
 * the process. The list queries have indexes that end in contact_id, so SQLite never walks a
 * whole instance to sort (it did: an index on (instance_id, customer_id) lost to the primary key).
 */
import Database from 'better-sqlite3';
import type { BudgetState } from '../../core/budget';
import { ConcurrentUpdateError } from '../../core/errors';
import type { Resumption } from '../../core/ledger';
import type { Segment } from '../../core/lineage';
import { sessionIdOf } from '../../core/lineage';
import type { ReturnIntent } from '../../core/returns';
import type { BudgetChange, ChatlineStore, RejectedEvent, ResumptionPage, ResumptionQuery, Versioned } from '../../core/store';
import { decodeResumptionCursor, encodeResumptionCursor } from '../../core/store';
import { WriteBatch } from './write-batch';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS processed_events (key TEXT PRIMARY KEY, at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS processed_events_by_at ON processed_events (at);
CREATE TABLE IF NOT EXISTS rejected_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT, received_at TEXT NOT NULL, reason TEXT NOT NULL, origin TEXT, event TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS segments (
  instance_id TEXT NOT NULL, contact_id TEXT NOT NULL, session_id TEXT NOT NULL, customer_id TEXT,
  version INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (instance_id, contact_id));
DROP INDEX IF EXISTS segments_by_session;
DROP INDEX IF EXISTS segments_by_customer;
CREATE INDEX IF NOT EXISTS segments_by_session_contact ON segments (instance_id, session_id, contact_id);
CREATE INDEX IF NOT EXISTS segments_by_customer_contact ON segments (instance_id, customer_id, contact_id);
CREATE TABLE IF NOT EXISTS return_intents (
  instance_id TEXT NOT NULL, contact_id TEXT NOT NULL, version INTEGER NOT NULL, body TEXT NOT NULL,
  PRIMARY KEY (instance_id, contact_id));
CREATE TABLE IF NOT EXISTS budgets (key TEXT PRIMARY KEY, version INTEGER NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS resumptions (
  instance_id TEXT NOT NULL, contact_id TEXT NOT NULL, status TEXT NOT NULL, version INTEGER NOT NULL,
  body TEXT NOT NULL, PRIMARY KEY (instance_id, contact_id));
`;

/**
 * Added for the ops console's lists (a file written before has the tables without them): the
 * ledger's createdAt as a column, indexes for newest-first pages (all, and per status), and the
 * segments by contact or customer id alone (a search names no instance).
 */
const QUERY_INDEXES = `
UPDATE resumptions SET created_at = json_extract(body, '$.createdAt') WHERE created_at IS NULL;
CREATE INDEX IF NOT EXISTS resumptions_by_created ON resumptions (created_at, instance_id, contact_id);
CREATE INDEX IF NOT EXISTS resumptions_by_status_created ON resumptions (status, created_at, instance_id, contact_id);
CREATE INDEX IF NOT EXISTS segments_by_contact ON segments (contact_id);
CREATE INDEX IF NOT EXISTS segments_by_customer_any ON segments (customer_id);
`;

type Row = { version: number; body: string };

export class SqliteStore implements ChatlineStore {
  readonly db: Database.Database;
  /** The open write transaction; the engine's journal writes through it too. */
  readonly batch: WriteBatch;
  private readonly statements = new Map<string, Database.Statement>();

  /** `path` is a file, or ':memory:' for tests that need no file. */
  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    // Checkpoint the WAL every 10,000 pages instead of SQLite's default 1,000 ("Every new database
    // connection defaults to having the auto-checkpoint enabled with a threshold of 1000 ... pages",
    // https://sqlite.org/c3ref/wal_autocheckpoint.html): a page written by many commits is copied
    // into the database once per checkpoint, so fewer checkpoints copy far fewer pages (the
    // pipeline bench spent ~40% of its commit time less). The WAL file is cut back to 64 MB after
    // a checkpoint (journal_size_limit), so a long run keeps a bounded file. Durability is
    // unchanged: a commit is in the WAL either way.
    this.db.pragma('wal_autocheckpoint = 10000');
    this.db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
    this.db.exec(SCHEMA);
    const columns = this.db.prepare('PRAGMA table_info(resumptions)').all() as { name: string }[];
    if (!columns.some((c) => c.name === 'created_at')) this.db.exec('ALTER TABLE resumptions ADD COLUMN created_at TEXT');
    this.db.exec(QUERY_INDEXES);
    this.batch = new WriteBatch(this.db);
  }

  /** A statement prepared once per connection. */
  stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  /** Commits the writes batched so far (before acknowledging anything outside the process). */
  flush(): void {
    this.batch.flush();
  }

  /** Resolves once the writes batched so far are committed, with the batch's next commit (shared; see write-batch.ts). */
  committed(): Promise<void> {
    return this.batch.committed();
  }

  close(): void {
    this.batch.flush();
    this.db.close();
  }

  async markProcessed(key: string, at: string): Promise<boolean> {
    return this.batch.write(() => this.stmt('INSERT INTO processed_events (key, at) VALUES (?, ?) ON CONFLICT DO NOTHING').run(key, at).changes === 1);
  }

  /**
   * Retention: forgets processed-event keys older than `cutoff` (like a DynamoDB TTL on the
   * dedup table). A duplicate older than the retention is then processed again, which every
   * step tolerates (merges and conditional writes). Deletes in chunks; returns how many.
   */
  pruneProcessedBefore(cutoff: string, chunk = 5000): number {
    let total = 0;
    for (;;) {
      const n = this.batch.write(() => this.stmt('DELETE FROM processed_events WHERE rowid IN (SELECT rowid FROM processed_events WHERE at < ? LIMIT ?)').run(cutoff, chunk).changes);
      this.flush();
      total += n;
      if (n < chunk) return total;
    }
  }

  async putRejected(r: RejectedEvent): Promise<void> {
    this.batch.write(() =>
      this.stmt('INSERT INTO rejected_events (received_at, reason, origin, event) VALUES (?, ?, ?, ?)').run(r.receivedAt, r.reason, r.origin ?? null, JSON.stringify(r.event ?? null)),
    );
  }

  async listRejected(): Promise<RejectedEvent[]> {
    const rows = this.stmt('SELECT received_at, reason, origin, event FROM rejected_events ORDER BY id').all() as {
      received_at: string; reason: string; origin: string | null; event: string;
    }[];
    return rows.map((r) => ({
      receivedAt: r.received_at,
      reason: r.reason,
      event: JSON.parse(r.event) as unknown,
      ...(r.origin === null ? {} : { origin: r.origin }),
    }));
  }

  async getSegment(instanceId: string, contactId: string): Promise<Versioned<Segment> | undefined> {
    return this.get<Segment>('segments', instanceId, contactId);
  }

  async putSegment(segment: Segment, expectedVersion: number): Promise<void> {
    this.put('segments', segment, expectedVersion, {
      session_id: sessionIdOf(segment),
      customer_id: segment.customerId ?? null,
    });
  }

  async listSessionSegments(instanceId: string, sessionId: string): Promise<Segment[]> {
    return this.list<Segment>('SELECT body FROM segments WHERE instance_id = ? AND session_id = ? ORDER BY contact_id', instanceId, sessionId);
  }

  async listCustomerSegments(instanceId: string, customerId: string): Promise<Segment[]> {
    return this.list<Segment>('SELECT body FROM segments WHERE instance_id = ? AND customer_id = ? ORDER BY contact_id', instanceId, customerId);
  }

  /** One query: the customer's sessions (segments_by_customer_contact), then their segments (segments_by_session_contact). */
  async listCustomerSessionSegments(instanceId: string, customerId: string): Promise<Segment[]> {
    return this.list<Segment>(
      'SELECT body FROM segments WHERE instance_id = ? AND session_id IN (SELECT session_id FROM segments WHERE instance_id = ? AND customer_id = ?) ORDER BY session_id, contact_id',
      instanceId,
      instanceId,
      customerId,
    );
  }

  async listSegments(): Promise<Segment[]> {
    return this.list<Segment>('SELECT body FROM segments ORDER BY instance_id, session_id, contact_id');
  }

  async getIntent(instanceId: string, contactId: string): Promise<Versioned<ReturnIntent> | undefined> {
    return this.get<ReturnIntent>('return_intents', instanceId, contactId);
  }

  async putIntent(intent: ReturnIntent, expectedVersion: number): Promise<void> {
    this.put('return_intents', intent, expectedVersion, {});
  }

  async getResumption(instanceId: string, contactId: string): Promise<Versioned<Resumption> | undefined> {
    return this.get<Resumption>('resumptions', instanceId, contactId);
  }

  async putResumption(resumption: Resumption, expectedVersion: number): Promise<void> {
    this.put('resumptions', resumption, expectedVersion, { status: resumption.status, created_at: resumption.createdAt });
  }

  async listResumptions(): Promise<Resumption[]> {
    return this.list<Resumption>('SELECT body FROM resumptions ORDER BY instance_id, contact_id');
  }

  async pageResumptions(q: ResumptionQuery): Promise<ResumptionPage> {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (q.statuses && q.statuses.length > 0) {
      where.push(`status IN (${q.statuses.map(() => '?').join(', ')})`);
      params.push(...q.statuses);
    }
    if (q.since !== undefined) {
      where.push('created_at >= ?');
      params.push(q.since);
    }
    if (q.until !== undefined) {
      where.push('created_at < ?');
      params.push(q.until);
    }
    const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.stmt(`SELECT COUNT(*) AS n FROM resumptions ${filter}`).get(...params) as { n: number }).n;
    const page = [...where];
    const pageParams = [...params];
    if (q.cursor !== undefined) {
      const c = decodeResumptionCursor(q.cursor);
      page.push('(created_at, instance_id, contact_id) < (?, ?, ?)');
      pageParams.push(c.createdAt, c.instanceId, c.contactId);
    }
    const limit = Math.max(1, Math.min(1000, Math.floor(q.limit)));
    const rows = this.stmt(
      `SELECT body FROM resumptions ${page.length > 0 ? `WHERE ${page.join(' AND ')}` : ''} ORDER BY created_at DESC, instance_id DESC, contact_id DESC LIMIT ?`,
    ).all(...pageParams, limit + 1) as { body: string }[];
    const items = rows.slice(0, limit).map((r) => JSON.parse(r.body) as Resumption);
    const last = items.at(-1);
    return { items, total, ...(rows.length > limit && last ? { next: encodeResumptionCursor(last) } : {}) };
  }

  async findSegments(by: { readonly contactId: string } | { readonly customerId: string }): Promise<Segment[]> {
    return 'contactId' in by
      ? this.list<Segment>('SELECT body FROM segments WHERE contact_id = ? ORDER BY instance_id', by.contactId)
      : this.list<Segment>('SELECT body FROM segments WHERE customer_id = ? ORDER BY instance_id, contact_id', by.customerId);
  }

  async getBudget(key: string): Promise<BudgetState | undefined> {
    const row = this.stmt('SELECT body FROM budgets WHERE key = ?').get(key) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as BudgetState) : undefined;
  }

  /**
   * Read, change and write in one synchronous step of the batch's transaction: nothing else runs on
   * this connection in between, so two reservations never see the same record.
   */
  async updateBudget<R>(key: string, change: (current: BudgetState | undefined) => BudgetChange<R>): Promise<R> {
    return this.batch.write(() => {
      const row = this.stmt('SELECT body FROM budgets WHERE key = ?').get(key) as { body: string } | undefined;
      const { next, result } = change(row ? (JSON.parse(row.body) as BudgetState) : undefined);
      if (next) {
        this.stmt('INSERT INTO budgets (key, version, body) VALUES (?, 1, ?) ON CONFLICT (key) DO UPDATE SET version = version + 1, body = excluded.body').run(
          key,
          JSON.stringify(next),
        );
      }
      return result;
    });
  }

  async listBudgets(): Promise<BudgetState[]> {
    return this.list<BudgetState>('SELECT body FROM budgets ORDER BY key');
  }

  /**
   * Segments in (instance, session, contact) order after `after`, `limit` at a time: a caller
   * walks every session without holding them all (replay's report, at a million events).
   */
  segmentsPage(after: { instanceId: string; sessionId: string; contactId: string } | undefined, limit: number): { segment: Segment; key: { instanceId: string; sessionId: string; contactId: string } }[] {
    const rows = (
      after
        ? this.stmt(
            'SELECT instance_id, session_id, contact_id, body FROM segments WHERE (instance_id, session_id, contact_id) > (?, ?, ?) ORDER BY instance_id, session_id, contact_id LIMIT ?',
          ).all(after.instanceId, after.sessionId, after.contactId, limit)
        : this.stmt('SELECT instance_id, session_id, contact_id, body FROM segments ORDER BY instance_id, session_id, contact_id LIMIT ?').all(limit)
    ) as { instance_id: string; session_id: string; contact_id: string; body: string }[];
    return rows.map((r) => ({ segment: JSON.parse(r.body) as Segment, key: { instanceId: r.instance_id, sessionId: r.session_id, contactId: r.contact_id } }));
  }

  private get<T>(table: string, instanceId: string, contactId: string): Versioned<T> | undefined {
    const row = this.stmt(`SELECT version, body FROM ${table} WHERE instance_id = ? AND contact_id = ?`).get(instanceId, contactId) as Row | undefined;
    return row ? { value: JSON.parse(row.body) as T, version: row.version } : undefined;
  }

  private list<T>(sql: string, ...params: string[]): T[] {
    return (this.stmt(sql).all(...params) as { body: string }[]).map((r) => JSON.parse(r.body) as T);
  }

  /** Conditional write: insert when expectedVersion is 0, else update only that version. */
  private put(
    table: string,
    item: { instanceId: string; contactId: string },
    expectedVersion: number,
    columns: Record<string, string | null>,
  ): void {
    const names = Object.keys(columns);
    const values = Object.values(columns);
    const body = JSON.stringify(item);
    const changes = this.batch.write(() =>
      expectedVersion === 0
        ? this.stmt(
            `INSERT INTO ${table} (instance_id, contact_id, version, body${names.map((n) => `, ${n}`).join('')})
             VALUES (?, ?, 1, ?${names.map(() => ', ?').join('')}) ON CONFLICT DO NOTHING`,
          ).run(item.instanceId, item.contactId, body, ...values).changes
        : this.stmt(
            `UPDATE ${table} SET version = version + 1, body = ?${names.map((n) => `, ${n} = ?`).join('')}
             WHERE instance_id = ? AND contact_id = ? AND version = ?`,
          ).run(body, ...values, item.instanceId, item.contactId, expectedVersion).changes,
    );
    if (changes !== 1) {
      throw new ConcurrentUpdateError(`${table} ${item.instanceId}/${item.contactId}: version ${expectedVersion} is no longer current`);
    }
  }
}
