/**
 * Issue 12: every start-up problem is one line on stderr that says what to do, and exit 2;
 * bad usage prints the command's usage; every command answers --version.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, spawnChatline } from './process-harness';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'chatline.cjs');
const SEED = join(ROOT, 'examples', 'seed-events.jsonl');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

function chatline(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** One line on stderr, no stack trace. */
const oneLine = (stderr: string): string[] => stderr.trim().split('\n');

describe('start-up errors', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'chatline-startup-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a port in use: one line with the fix, exit 2, and the --db lock is released', async () => {
    const port = await freePort();
    const taken: Server = await new Promise((resolve) => {
      const s = createServer();
      s.listen(port, '127.0.0.1', () => resolve(s));
    });
    try {
      const db = join(dir, 'port.db');
      const r = await chatline(['dev', '--no-demo', '--port', String(port), '--db', db]);
      expect(r.code).toBe(2);
      expect(oneLine(r.stderr)).toEqual([`chatline dev: port ${port} on 127.0.0.1 is already in use (another chatline dev?): stop that process, or pass --port <n> (0 picks a free port)`]);
      expect(existsSync(`${db}.lock`)).toBe(false);
    } finally {
      taken.close();
    }
  });

  it('a second stack on the same --db is refused, naming the process that has it', async () => {
    const db = join(dir, 'shared.db');
    const first = spawnChatline(['dev', '--no-demo', '--port', '0', '--db', db]);
    try {
      await first.waitFor(/local stack on/);
      for (const args of [['dev', '--no-demo', '--port', '0', '--db', db], ['replay', SEED, '--db', db], ['demo', '--db', db]]) {
        const r = await chatline(args);
        expect(r.code).toBe(2);
        const lines = oneLine(r.stderr);
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(new RegExp(`^chatline ${args[0]}: .*shared\\.db is in use by another chatline \\(pid ${first.process.pid} on .*, "chatline dev", since .*\\): stop that process first, or pass another --db$`));
      }
    } finally {
      expect((await first.stop('SIGTERM')).code).toBe(0);
    }
  }, 60_000);

  it('--db that is a directory, not a database, or under a file', async () => {
    mkdirSync(join(dir, 'folder'));
    const cases: [string[], string][] = [
      [['demo', '--db', join(dir, 'folder')], `chatline demo: --db ${join(dir, 'folder')} is a directory: pass a file path, e.g. --db ${join(dir, 'folder', 'chatline.db')}`],
      [['replay', SEED, '--db', SEED], `chatline replay: --db ${SEED} is not a SQLite database: pass a new file or a chatline database`],
      [['dev', '--no-demo', '--db', join(SEED, 'x.db')], `chatline dev: cannot create the folder ${SEED} of --db ${join(SEED, 'x.db')} (a file is in the way): pass a --db in a writable folder`],
    ];
    for (const [args, message] of cases) {
      const r = await chatline(args);
      expect({ code: r.code, stderr: oneLine(r.stderr) }).toEqual({ code: 2, stderr: [message] });
    }
  });

  it('--connect-endpoint: a dead one is refused at start; the story refuses to play against it', async () => {
    const port = await freePort();
    const dead = await chatline(['dev', '--no-demo', '--port', '0', '--db', join(dir, 'c.db'), '--connect-endpoint', `http://127.0.0.1:${port}`]);
    expect(dead.code).toBe(2);
    expect(oneLine(dead.stderr)).toEqual([
      `chatline dev: --connect-endpoint http://127.0.0.1:${port} does not answer (ECONNREFUSED): start it first, e.g. chatline sim --port ${port} --events-endpoint <this stack's URL>`,
    ]);
    const story = await chatline(['dev', '--port', '0', '--db', join(dir, 'c.db'), '--connect-endpoint', `http://127.0.0.1:${port}`]);
    expect(story.code).toBe(2);
    expect(oneLine(story.stderr)).toHaveLength(1);
    expect(story.stderr).toContain('the seed story drives the built-in simulator');
    expect(story.stderr).toContain('pass --no-demo');
  });

  it('chatline sim: bad usage exits 2 with the error and its usage', async () => {
    const r = await chatline(['sim', '--port', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: option '--port <port>' argument 'x' is invalid");
    expect(r.stderr).toContain('Usage: chatline sim [options]');
    const unknown = await chatline(['sim', '--nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Usage: chatline sim [options]');
  });

  it('--version on chatline and on every command prints the package version', async () => {
    for (const args of [['--version'], ['-V'], ['demo', '--version'], ['replay', '--version'], ['dev', '--version'], ['sim', '--version']]) {
      const r = await chatline(args);
      expect({ args, code: r.code, stdout: r.stdout.trim() }).toEqual({ args, code: 0, stdout: VERSION });
    }
  });
});
