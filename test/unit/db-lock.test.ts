/** One writer stack per SQLite file: a live owner is refused by name, a dead one's lock is taken over. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DbLockedError, DbPathError } from '../../local/startup-errors';
import { acquireDbLock } from '../../local/store/db-lock';

describe('acquireDbLock', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'chatline-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the owner, refuses a second taker naming the pid, and is free again after release', () => {
    const db = join(dir, 'a.db');
    const lock = acquireDbLock(db, 'chatline dev');
    expect(JSON.parse(readFileSync(`${db}.lock`, 'utf8'))).toMatchObject({ pid: process.pid, command: 'chatline dev', host: hostname() });
    // Another live process owns it: the parent of this test runner is alive.
    writeFileSync(`${db}.lock`, JSON.stringify({ pid: process.ppid, host: hostname(), command: 'chatline replay', since: 'then' }));
    expect(() => acquireDbLock(db, 'chatline dev')).toThrow(DbLockedError);
    expect(() => acquireDbLock(db, 'chatline dev')).toThrow(`${db} is in use by another chatline (pid ${process.ppid} on ${hostname()}, "chatline replay", since then)`);
    lock.release(); // not ours any more: left alone
    expect(existsSync(`${db}.lock`)).toBe(true);
    rmSync(`${db}.lock`);
    const again = acquireDbLock(db, 'chatline demo');
    again.release();
    again.release();
    expect(existsSync(`${db}.lock`)).toBe(false);
  });

  it('takes over the lock of a process that is gone (SIGKILL leaves the file behind)', () => {
    const db = join(dir, 'b.db');
    const gone = spawnSync(process.execPath, ['-e', 'console.log(process.pid)']).stdout.toString().trim();
    writeFileSync(`${db}.lock`, JSON.stringify({ pid: Number(gone), host: hostname(), command: 'chatline dev', since: 'earlier' }));
    const lock = acquireDbLock(db, 'chatline dev');
    expect(JSON.parse(readFileSync(`${db}.lock`, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('never takes over a lock written on another host', () => {
    const db = join(dir, 'c.db');
    writeFileSync(`${db}.lock`, JSON.stringify({ pid: 1, host: 'elsewhere', command: 'chatline dev', since: 'earlier' }));
    expect(() => acquireDbLock(db, 'chatline dev')).toThrow(/pid 1 on elsewhere/);
  });

  it('says what is wrong with the path: a directory, a missing folder', () => {
    mkdirSync(join(dir, 'folder'));
    expect(() => acquireDbLock(join(dir, 'folder'), 'chatline dev')).toThrow(new DbPathError(`--db ${join(dir, 'folder')} is a directory: pass a file path, e.g. --db ${join(dir, 'folder', 'chatline.db')}`));
    expect(() => acquireDbLock(join(dir, 'missing', 'x.db'), 'chatline dev')).toThrow(/the folder of --db .* does not exist/);
    expect(acquireDbLock(':memory:', 'x').path).toBe('');
  });
});
