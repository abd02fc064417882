/**
 * Issue 12: a signal stops every command cleanly at any moment. The process is gone within 5 s,
 * and a restart on the same --db continues from the journal to the right result.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../local/store/sqlite-store';
import { freePort, spawnChatline } from './process-harness';

const SEED = join(__dirname, '..', '..', 'examples', 'seed-events.jsonl');

/** What the journal and the ledger hold once a run has ended. */
function journalState(db: string) {
  const store = new SqliteStore(db);
  try {
    const count = (sql: string) => (store.db.prepare(sql).get() as { n: number }).n;
    return {
      running: count(`SELECT COUNT(*) AS n FROM executions WHERE json_extract(body, '$.status') = 'RUNNING'`),
      inbox: count('SELECT COUNT(*) AS n FROM bus_inbox'),
      statuses: (store.db.prepare('SELECT status FROM resumptions').all() as { status: string }[]).map((r) => r.status),
    };
  } finally {
    store.close();
  }
}

describe('stopping with a signal', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'chatline-stop-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('dev: SIGINT while the story plays stops within 5 s; restarted on the same --db it continues and the story is as expected', async () => {
    const db = join(dir, 'dev.db');
    const port = String(await freePort());
    const first = spawnChatline(['dev', '--port', port, '--db', db]);
    await first.waitFor(/Use Case 1: the customer returns/);
    const stopped = await first.stop('SIGINT');
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(5000);
    expect(first.output()).not.toContain('as expected');
    expect(existsSync(`${db}.lock`)).toBe(false);

    const second = spawnChatline(['dev', '--port', port, '--db', db]);
    await second.waitFor(/The stack keeps running/);
    expect(second.output()).toContain('Both use cases as expected.');
    const again = await second.stop('SIGTERM');
    expect(again).toMatchObject({ code: 0 });
    expect(again.ms).toBeLessThan(5000);
    const state = journalState(db);
    expect({ running: state.running, inbox: state.inbox }).toEqual({ running: 0, inbox: 0 });
    expect(state.statuses.length).toBeGreaterThanOrEqual(2);
    expect(state.statuses.every((s) => s === 'ASSOCIATED')).toBe(true);
  }, 60_000);

  it('demo: SIGTERM mid-story exits 143 within 5 s; the same --db then plays the story to the right result', async () => {
    const db = join(dir, 'demo.db');
    const first = spawnChatline(['demo', '--db', db]);
    await first.waitFor(/C3: a2 ends the chat/);
    const stopped = await first.stop('SIGTERM');
    expect(stopped.code).toBe(143);
    expect(stopped.ms).toBeLessThan(5000);

    const second = spawnChatline(['demo', '--db', db, '--json']);
    expect(await second.exited).toBe(0);
    const result = JSON.parse(second.output().split('\n').find((l) => l.startsWith('{')) ?? '{}') as { useCases: { asExpected: boolean }[] };
    expect(result.useCases.map((u) => u.asExpected)).toEqual([true, true]);
    expect(journalState(db)).toMatchObject({ running: 0, inbox: 0 });
  }, 60_000);

  it('replay: SIGINT mid-replay exits 130 within 5 s; the same replay on the same --db gives the full result', async () => {
    const db = join(dir, 'replay.db');
    const first = spawnChatline(['replay', SEED, '--db', db, '--json']);
    // The lock file appears when the stack starts; the replay then runs for a second or more.
    for (let i = 0; i < 200 && !existsSync(`${db}.lock`); i++) await new Promise((r) => setTimeout(r, 25));
    await new Promise((r) => setTimeout(r, 300));
    const stopped = await first.stop('SIGINT');
    expect(stopped.code).toBe(130);
    expect(stopped.ms).toBeLessThan(5000);
    expect(first.output()).not.toContain('"resumptions"');

    const second = spawnChatline(['replay', SEED, '--db', db, '--json']);
    expect(await second.exited).toBe(0);
    const report = JSON.parse(second.output().split('\n').find((l) => l.startsWith('{')) ?? '{}') as { events: { accepted: number; duplicates: number }; resumptions: { status: string }[] };
    // What the first run recorded counts as duplicates now: together they are the whole file.
    expect(report.events.accepted + report.events.duplicates).toBe(24);
    expect(report.resumptions.map((r) => r.status)).toEqual(['ASSOCIATED', 'ASSOCIATED']);
    expect(journalState(db)).toMatchObject({ running: 0, inbox: 0 });
  }, 60_000);

  it.each(['SIGINT', 'SIGTERM'] as const)('sim: %s while its traffic runs stops within 5 s, exit 0', async (signal) => {
    const sim = spawnChatline(['sim', '--port', '0', '--traffic', '40', '--arrival-rate', '20', '--speed', '60']);
    await sim.waitFor(/export AWS_ENDPOINT_URL=/);
    await new Promise((r) => setTimeout(r, 500)); // customers are arriving, chatting, transferring
    const stopped = await sim.stop(signal);
    expect(stopped).toMatchObject({ code: 0 });
    expect(stopped.ms).toBeLessThan(5000);
  }, 30_000);
});
