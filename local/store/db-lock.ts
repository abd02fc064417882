/**
 * One writer stack per SQLite file. `<db>.lock` holds the owner's pid, host, command and start
 * time; it is created with O_EXCL, so of two stacks starting at once exactly one gets it. A lock
 * whose process is gone (killed with SIGKILL: nothing removed the file) is stale and taken over;
 * a live owner gets a DbLockedError that names it.
 *
 * Liveness is `kill(pid, 0)` on this host; a lock written on another host (a shared network
 * disk) is never taken over automatically: its message names the host. SQLite's own file locks
 * would serialize the two writers rather than refuse the second, and cannot name the other
 * process, hence this file.
 */
import { closeSync, existsSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { DbLockedError, DbPathError } from '../startup-errors';

export interface DbLock {
  readonly path: string;
  /** Removes the lock file if this process still owns it. Safe to call twice. */
  release(): void;
}

interface LockOwner {
  pid: number;
  host: string;
  command: string;
  since: string;
}

const NO_LOCK: DbLock = { path: '', release: () => undefined };

/** Checks the --db path and takes its lock; throws DbPathError or DbLockedError with the fix. */
export function acquireDbLock(dbPath: string, command: string): DbLock {
  if (dbPath === ':memory:' || dbPath === '') return NO_LOCK;
  checkDbPath(dbPath);
  const path = `${dbPath}.lock`;
  const me: LockOwner = { pid: process.pid, host: hostname(), command, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 5; attempt++) {
    if (tryCreate(path, me, dbPath)) {
      return {
        path,
        release: () => {
          if (readOwner(path)?.pid === me.pid) unlinkSync(path);
        },
      };
    }
    const owner = readOwner(path);
    if (owner && !isStale(owner)) throw new DbLockedError(dbPath, owner);
    // Unreadable: its owner may be writing it this very moment; look again before taking it over.
    if (!owner && attempt < 3) {
      pause(50);
      continue;
    }
    takeOverStale(path, owner);
  }
  throw new DbPathError(`could not take the lock ${path} (it keeps changing): is another chatline starting on ${dbPath}?`);
}

function checkDbPath(dbPath: string): void {
  let stat;
  try {
    stat = statSync(dbPath);
  } catch {
    return; // does not exist yet: created by the store (its folder's errors surface in tryCreate)
  }
  if (stat.isDirectory()) throw new DbPathError(`--db ${dbPath} is a directory: pass a file path, e.g. --db ${join(dbPath, 'chatline.db')}`);
}

function tryCreate(path: string, me: LockOwner, dbPath: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code === 'ENOENT' && !existsSync(dirname(dbPath))) throw new DbPathError(`the folder of --db ${dbPath} does not exist (${dirname(dbPath)}): create it, or pass another --db`);
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOENT') {
      throw new DbPathError(`cannot write next to --db ${dbPath} (${code}: the folder ${dirname(dbPath)} is not writable): pass a --db in a writable folder`);
    }
    throw new DbPathError(`cannot create ${path} for --db ${dbPath}: ${(err as Error).message}`);
  }
  try {
    writeSync(fd, JSON.stringify(me));
  } finally {
    closeSync(fd);
  }
  return true;
}

function readOwner(path: string): LockOwner | undefined {
  try {
    const o = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    return typeof o.pid === 'number' ? { pid: o.pid, host: String(o.host ?? ''), command: String(o.command ?? '?'), since: String(o.since ?? '?') } : undefined;
  } catch {
    return undefined; // vanished, or half written by an owner that is starting right now
  }
}

function isStale(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return false;
  if (owner.pid === process.pid) return true; // a pid reused (a container's pid 1 restarted): not us yet
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Moves a stale lock aside atomically, then checks it is the one judged stale: if another
 * starter replaced it meanwhile, its fresh lock is put back and the next attempt refuses.
 */
function takeOverStale(path: string, judged: LockOwner | undefined): void {
  const aside = `${path}.${process.pid}.stale`;
  try {
    renameSync(path, aside);
  } catch {
    return; // already gone: the next attempt creates it
  }
  const moved = readOwner(aside);
  if (judged && moved && (moved.pid !== judged.pid || moved.since !== judged.since)) {
    try {
      linkSync(aside, path); // never over a lock created since
    } catch {
      /* the path was taken again; the next attempt reads its owner */
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    /* nothing to remove */
  }
}

function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
