import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../local/store/sqlite-store';
import { describeStoreContract } from '../contract/store-contract';

describeStoreContract('SQLite file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chatline-store-'));
  const store = new SqliteStore(join(dir, 'chatline.db'));
  return { store, close: async () => { store.close(); rmSync(dir, { recursive: true, force: true }); } };
});

describe('SqliteStore', () => {
  it('keeps what it holds across a reopen of the same file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatline-store-'));
    const path = join(dir, 'chatline.db');
    const first = new SqliteStore(path);
    await first.putSegment({ instanceId: 'i', contactId: 'C1', eventTypes: ['INITIATED'] }, 0);
    first.close();
    const second = new SqliteStore(path);
    expect((await second.getSegment('i', 'C1'))?.version).toBe(1);
    second.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('WriteBatch group commit', () => {
  it('committed() resolves only once the writes made so far are on disk, one commit shared by its waiters', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatline-store-'));
    const path = join(dir, 'chatline.db');
    const store = new SqliteStore(path);
    const reader = new SqliteStore(path);
    try {
      await expect(store.committed()).resolves.toBeUndefined(); // nothing open: nothing to wait for
      await store.putSegment({ instanceId: 'i', contactId: 'C1', eventTypes: ['INITIATED'] }, 0);
      const commits: string[] = [];
      const exec = store.db.exec.bind(store.db);
      store.db.exec = (sql: string) => {
        commits.push(sql);
        return exec(sql);
      };
      const seen: (number | undefined)[] = [];
      const first = store.committed().then(async () => void seen.push((await reader.getSegment('i', 'C1'))?.version));
      await store.putSegment({ instanceId: 'i', contactId: 'C2', eventTypes: ['INITIATED'] }, 0);
      const second = store.committed().then(async () => void seen.push((await reader.getSegment('i', 'C2'))?.version));
      // Not yet: the batch commits at the end of the turn, not when a caller asks.
      await Promise.resolve();
      expect(store.db.inTransaction).toBe(true);
      expect(await reader.getSegment('i', 'C1')).toBeUndefined();
      await Promise.all([first, second]);
      expect(seen).toEqual([1, 1]);
      expect(commits).toEqual(['COMMIT']);
    } finally {
      reader.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('committed() rejects when the commit fails', async () => {
    const store = new SqliteStore(':memory:');
    try {
      await store.putSegment({ instanceId: 'i', contactId: 'C1', eventTypes: ['INITIATED'] }, 0);
      const waiting = store.committed();
      const exec = store.db.exec.bind(store.db);
      store.db.exec = (sql: string) => (sql === 'COMMIT' ? (() => { throw new Error('disk I/O error'); })() : exec(sql));
      expect(() => store.flush()).toThrow('disk I/O error');
      await expect(waiting).rejects.toThrow('disk I/O error');
      store.db.exec = exec;
    } finally {
      store.close();
    }
  });
});
