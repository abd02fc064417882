/**
 * Problems that stop the local stack from starting, each with what to do about it. The CLI prints
 * `message` (which ends with the fix) on one line and exits 2.
 */
export class StartupError extends Error {
  override readonly name: string = 'StartupError';
}

/** The loopback port is taken (another `chatline dev`, or anything else). */
export class PortInUseError extends StartupError {
  override readonly name = 'PortInUseError';
  constructor(readonly port: number) {
    super(`port ${port} on 127.0.0.1 is already in use (another chatline dev?): stop that process, or pass --port <n> (0 picks a free port)`);
  }
}

/** The SQLite file cannot be used: a directory, not writable, not a database. */
export class DbPathError extends StartupError {
  override readonly name = 'DbPathError';
}

/** Another live stack writes this SQLite file. */
export class DbLockedError extends StartupError {
  override readonly name = 'DbLockedError';
  constructor(
    readonly dbPath: string,
    readonly holder: { readonly pid: number; readonly host: string; readonly command: string; readonly since: string },
  ) {
    super(
      `${dbPath} is in use by another chatline (pid ${holder.pid}${holder.host ? ` on ${holder.host}` : ''}, "${holder.command}", since ${holder.since}): ` +
        'stop that process first, or pass another --db',
    );
  }
}
