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
