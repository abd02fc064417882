/**
 * The engine's journal in the same SQLite file as the store (see local/sfn/journal.ts), written
 * through the store's write batch. Executions carry their list keys as columns (newest-first
 * pages by keyset, per machine and per status) and per-status counters kept by triggers, so a
 * list or a count never reads every execution.
 */
import type Database from 'better-sqlite3';
import type { HistoryEvent } from '../sfn/history';
import type { ExecutionPageQuery, ExecutionRow, Journal } from '../sfn/journal';
import type { WriteBatch } from './write-batch';

const TABLES = `
CREATE TABLE IF NOT EXISTS executions (execution_arn TEXT PRIMARY KEY, started_seq INTEGER NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS execution_history (
  execution_arn TEXT NOT NULL, id INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (execution_arn, id));
CREATE TABLE IF NOT EXISTS bus_inbox (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, event TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS mirrored_events (seq INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, event TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS mirrored_events_by_at ON mirrored_events (at_ms);
`;

/** List keys as columns (added to files written before they existed, then filled from the body). */
const LIST_COLUMNS: [string, string, string][] = [
  ['state_machine_arn', 'TEXT', "json_extract(body, '$.stateMachineArn')"],
  ['status', 'TEXT', "json_extract(body, '$.status')"],
  ['start_ms', 'INTEGER', "CAST(strftime('%s', json_extract(body, '$.startDate')) AS INTEGER) * 1000"],
  ['stop_ms', 'INTEGER', "CAST(strftime('%s', json_extract(body, '$.stopDate')) AS INTEGER) * 1000"],
  ['redrive_count', 'INTEGER', "COALESCE(json_extract(body, '$.redriveCount'), 0)"],
];

const INDEXES = `
CREATE INDEX IF NOT EXISTS executions_by_start ON executions (start_ms, execution_arn);
CREATE INDEX IF NOT EXISTS executions_by_machine ON executions (state_machine_arn, start_ms, execution_arn);
CREATE INDEX IF NOT EXISTS executions_by_status ON executions (state_machine_arn, status, start_ms, execution_arn);
CREATE INDEX IF NOT EXISTS executions_running ON executions (status) WHERE status = 'RUNNING';
CREATE INDEX IF NOT EXISTS executions_finished ON executions (stop_ms) WHERE status <> 'RUNNING';
CREATE TABLE IF NOT EXISTS execution_counts (state_machine_arn TEXT NOT NULL, status TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (state_machine_arn, status));
CREATE TRIGGER IF NOT EXISTS executions_counted_on_insert AFTER INSERT ON executions BEGIN
  INSERT INTO execution_counts (state_machine_arn, status, n) VALUES (NEW.state_machine_arn, NEW.status, 1) ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS executions_counted_on_update AFTER UPDATE OF status ON executions WHEN OLD.status IS NOT NEW.status BEGIN
  UPDATE execution_counts SET n = n - 1 WHERE state_machine_arn = OLD.state_machine_arn AND status = OLD.status;
  INSERT INTO execution_counts (state_machine_arn, status, n) VALUES (NEW.state_machine_arn, NEW.status, 1) ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS executions_counted_on_delete AFTER DELETE ON executions BEGIN
  UPDATE execution_counts SET n = n - 1 WHERE state_machine_arn = OLD.state_machine_arn AND status = OLD.status;
END;
`;

type ExecutionRecord = { body: string };

export class SqliteJournal implements Journal {
  private seq: number;
  private inboxSeq: number;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    private readonly batch: WriteBatch,
  ) {
    batch.flush();
    db.exec(TABLES);
    const columns = new Set((db.prepare('PRAGMA table_info(executions)').all() as { name: string }[]).map((c) => c.name));
    const missing = LIST_COLUMNS.filter(([name]) => !columns.has(name));
    if (missing.length > 0) {
      db.transaction(() => {
        for (const [name, type] of missing) db.exec(`ALTER TABLE executions ADD COLUMN ${name} ${type}`);
        db.exec(`UPDATE executions SET ${missing.map(([name, , from]) => `${name} = ${from}`).join(', ')}`);
      })();
    }
    const counted = (db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'execution_counts'").get() as { n: number }).n > 0;
    db.exec(INDEXES);
    if (!counted) db.exec('INSERT INTO execution_counts (state_machine_arn, status, n) SELECT state_machine_arn, status, COUNT(*) FROM executions GROUP BY 1, 2');
    this.seq = (db.prepare('SELECT COALESCE(MAX(started_seq), 0) AS m FROM executions').get() as { m: number }).m;
    this.inboxSeq = (db.prepare('SELECT COALESCE(MAX(seq), 0) AS m FROM bus_inbox').get() as { m: number }).m;
  }

  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  flush(): void {
    this.batch.flush();
  }

  saveExecution(row: ExecutionRow): void {
    this.batch.write(() =>
      this.stmt(
        `INSERT INTO executions (execution_arn, started_seq, body, state_machine_arn, status, start_ms, stop_ms, redrive_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (execution_arn) DO UPDATE SET body = excluded.body, status = excluded.status, stop_ms = excluded.stop_ms, redrive_count = excluded.redrive_count`,
      ).run(row.executionArn, ++this.seq, JSON.stringify(row), row.stateMachineArn, row.status, Date.parse(row.startDate), row.stopDate ? Date.parse(row.stopDate) : null, row.redriveCount),
    );
  }

  appendHistory(executionArn: string, event: HistoryEvent): void {
    this.batch.write(() => this.stmt('INSERT OR REPLACE INTO execution_history (execution_arn, id, body) VALUES (?, ?, ?)').run(executionArn, event.id, JSON.stringify(event)));
  }

  getExecution(executionArn: string): ExecutionRow | undefined {
    const r = this.stmt('SELECT body FROM executions WHERE execution_arn = ?').get(executionArn) as ExecutionRecord | undefined;
    return r ? (JSON.parse(r.body) as ExecutionRow) : undefined;
  }

  listExecutions(q: ExecutionPageQuery): ExecutionRow[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (q.stateMachineArn !== undefined) {
      where.push('state_machine_arn = ?');
      params.push(q.stateMachineArn);
    }
    if (q.status !== undefined) {
      where.push('status = ?');
      params.push(q.status);
    }
    if (q.redriven !== undefined) where.push(q.redriven ? 'redrive_count > 0' : 'redrive_count = 0');
    if (q.after) {
      where.push('(start_ms, execution_arn) < (?, ?)');
      params.push(q.after[0], q.after[1]);
    }
    const sql = `SELECT body FROM executions ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY start_ms DESC, execution_arn DESC LIMIT ?`;
    return (this.stmt(sql).all(...params, q.limit) as ExecutionRecord[]).map((r) => JSON.parse(r.body) as ExecutionRow);
  }

  countExecutions(stateMachineArn?: string): Record<string, number> {
    const rows = (
      stateMachineArn === undefined
        ? this.stmt('SELECT status, SUM(n) AS n FROM execution_counts GROUP BY status').all()
        : this.stmt('SELECT status, n FROM execution_counts WHERE state_machine_arn = ?').all(stateMachineArn)
    ) as { status: string; n: number }[];
    return Object.fromEntries(rows.filter((r) => r.n > 0).map((r) => [r.status, r.n]));
  }

  loadHistory(executionArn: string): HistoryEvent[] {
    return (this.stmt('SELECT body FROM execution_history WHERE execution_arn = ? ORDER BY id').all(executionArn) as ExecutionRecord[]).map((h) => JSON.parse(h.body) as HistoryEvent);
  }

  runningExecutions(): ExecutionRow[] {
    return (this.stmt("SELECT body FROM executions WHERE status = 'RUNNING' ORDER BY started_seq").all() as ExecutionRecord[]).map((r) => JSON.parse(r.body) as ExecutionRow);
  }

  addToInbox(id: string, event: unknown): void {
    this.batch.write(() => this.stmt('INSERT OR IGNORE INTO bus_inbox (id, seq, event) VALUES (?, ?, ?)').run(id, ++this.inboxSeq, JSON.stringify(event)));
  }

  removeFromInbox(id: string): void {
    this.batch.write(() => this.stmt('DELETE FROM bus_inbox WHERE id = ?').run(id));
  }

  loadInbox(): { id: string; event: unknown }[] {
    return (this.stmt('SELECT id, event FROM bus_inbox ORDER BY seq').all() as { id: string; event: string }[]).map((r) => ({
      id: r.id,
      event: JSON.parse(r.event) as unknown,
    }));
  }

  keepMirroredEvent(event: unknown): void {
    this.batch.write(() => this.stmt('INSERT INTO mirrored_events (at_ms, event) VALUES (?, ?)').run(Date.now(), JSON.stringify(event)));
  }

  mirroredEvents(afterSeq: number, limit: number): { seq: number; event: unknown }[] {
    return (this.stmt('SELECT seq, event FROM mirrored_events WHERE seq > ? ORDER BY seq LIMIT ?').all(afterSeq, limit) as { seq: number; event: string }[]).map((r) => ({
      seq: r.seq,
      event: JSON.parse(r.event) as unknown,
    }));
  }

  pruneBefore(cutoff: Date, chunk = 2000): { executions: number; mirroredEvents: number } {
    const ms = cutoff.getTime();
    let executions = 0;
    for (;;) {
      const arns = (this.stmt("SELECT execution_arn FROM executions WHERE status <> 'RUNNING' AND stop_ms < ? LIMIT ?").all(ms, chunk) as { execution_arn: string }[]).map((r) => r.execution_arn);
      this.batch.write(() => {
        for (const arn of arns) {
          this.stmt('DELETE FROM execution_history WHERE execution_arn = ?').run(arn);
          this.stmt('DELETE FROM executions WHERE execution_arn = ?').run(arn);
        }
      });
      this.flush();
      executions += arns.length;
      if (arns.length < chunk) break;
    }
    let mirroredEvents = 0;
    for (;;) {
      const n = this.batch.write(() => this.stmt('DELETE FROM mirrored_events WHERE seq IN (SELECT seq FROM mirrored_events WHERE at_ms < ? LIMIT ?)').run(ms, chunk).changes);
      this.flush();
      mirroredEvents += n;
      if (n < chunk) break;
    }
    return { executions, mirroredEvents };
  }
}
