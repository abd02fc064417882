/** The engine's journal in the same SQLite file as the store (see local/sfn/journal.ts). */
import type Database from 'better-sqlite3';
import type { HistoryEvent } from '../sfn/history';
import type { ExecutionRow, Journal } from '../sfn/journal';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS executions (execution_arn TEXT PRIMARY KEY, started_seq INTEGER NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS execution_history (
  execution_arn TEXT NOT NULL, id INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (execution_arn, id));
CREATE TABLE IF NOT EXISTS bus_inbox (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, event TEXT NOT NULL);
`;

export class SqliteJournal implements Journal {
  private seq: number;

  constructor(private readonly db: Database.Database) {
    db.exec(SCHEMA);
    this.seq = (db.prepare('SELECT COALESCE(MAX(started_seq), 0) AS m FROM executions').get() as { m: number }).m;
  }

  saveExecution(row: ExecutionRow): void {
    this.db
      .prepare('INSERT INTO executions (execution_arn, started_seq, body) VALUES (?, ?, ?) ON CONFLICT (execution_arn) DO UPDATE SET body = excluded.body')
      .run(row.executionArn, ++this.seq, JSON.stringify(row));
  }

  appendHistory(executionArn: string, event: HistoryEvent): void {
    this.db.prepare('INSERT OR REPLACE INTO execution_history (execution_arn, id, body) VALUES (?, ?, ?)').run(executionArn, event.id, JSON.stringify(event));
  }

  loadExecutions(): { row: ExecutionRow; history: HistoryEvent[] }[] {
    const rows = this.db.prepare('SELECT execution_arn, body FROM executions ORDER BY started_seq').all() as { execution_arn: string; body: string }[];
    const history = this.db.prepare('SELECT body FROM execution_history WHERE execution_arn = ? ORDER BY id');
    return rows.map((r) => ({
      row: JSON.parse(r.body) as ExecutionRow,
      history: (history.all(r.execution_arn) as { body: string }[]).map((h) => JSON.parse(h.body) as HistoryEvent),
    }));
  }

  addToInbox(id: string, event: unknown): void {
    this.db.prepare('INSERT OR IGNORE INTO bus_inbox (id, seq, event) VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM bus_inbox), ?)').run(id, JSON.stringify(event));
  }

  removeFromInbox(id: string): void {
    this.db.prepare('DELETE FROM bus_inbox WHERE id = ?').run(id);
  }

  loadInbox(): { id: string; event: unknown }[] {
    return (this.db.prepare('SELECT id, event FROM bus_inbox ORDER BY seq').all() as { id: string; event: string }[]).map((r) => ({
      id: r.id,
      event: JSON.parse(r.event) as unknown,
    }));
  }
}
