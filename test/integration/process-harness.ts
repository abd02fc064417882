/** Child processes of the real `chatline` command, for tests that kill and restart them. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

const BIN = join(__dirname, '..', '..', 'bin', 'chatline.cjs');

export interface Child {
  readonly process: ChildProcess;
  readonly output: () => string;
  /** Resolves with the process's exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
}

/** Starts `chatline <args>` and resolves once a stdout line matches `ready`. */
export async function startChatline(args: string[], ready: RegExp, timeoutMs = 30_000): Promise<Child> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`chatline ${args.join(' ')} not ready after ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const check = (): void => {
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`chatline ${args.join(' ')} exited (${code}) before ready:\n${out}`));
    });
  });
  return { process: child, output: () => out, exited };
}

/** A port that was free a moment ago, on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningChatline extends Child {
  /** Resolves once stdout or stderr (together) match `pattern`. */
  readonly waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<void>;
  /** Sends `signal` and resolves with the exit code and how long the process took to go. */
  readonly stop: (signal: NodeJS.Signals) => Promise<{ code: number | null; ms: number }>;
}

/** Starts `chatline <args>` without waiting; `waitFor` watches both streams. */
export function spawnChatline(args: string[]): RunningChatline {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer): void => {
    out += d.toString();
    for (const l of listeners) l();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitFor = (pattern: RegExp, timeoutMs = 30_000): Promise<void> =>
    new Promise((resolve, reject) => {
      const done = (err?: Error): void => {
        clearTimeout(timer);
        listeners.delete(check);
        if (err) reject(err);
        else resolve();
      };
      const check = (): void => {
        if (pattern.test(out)) done();
      };
      const timer = setTimeout(() => done(new Error(`chatline ${args.join(' ')}: no ${pattern} after ${timeoutMs} ms:\n${out}`)), timeoutMs);
      listeners.add(check);
      void exited.then((code) => !pattern.test(out) && done(new Error(`chatline ${args.join(' ')} exited (${code}) before ${pattern}:\n${out}`)));
      check();
    });
  const stop = async (signal: NodeJS.Signals): Promise<{ code: number | null; ms: number }> => {
    const started = Date.now();
    child.kill(signal);
    const code = await exited;
    return { code, ms: Date.now() - started };
  };
  return { process: child, output: () => out, exited, waitFor, stop };
}
