/** The `chatline` command's contract: JSON for machines, and its exit codes (0 ok, 1 not as expected / rejected lines, 2 bad usage). */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = join(__dirname, '..', '..', 'bin', 'chatline.cjs');
const SEED = join(__dirname, '..', '..', 'examples', 'seed-events.jsonl');

function chatline(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('chatline CLI', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'chatline-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('replay --json reports a malformed line with its number and reason, runs the rest, and exits 1', async () => {
    const lines = readFileSync(SEED, 'utf8').trim().split('\n');
    const file = join(dir, 'broken.jsonl');
    writeFileSync(file, [lines[0], '{"detail-type":"Amazon Connect Contact Event"', ...lines.slice(1)].join('\n'));
    const { code, stdout } = await chatline(['replay', file, '--json']);
    const report = JSON.parse(stdout) as { events: { received: number; accepted: number; rejected: { line: number; reason: string }[] }; resumptions: { status: string }[] };
    expect(code).toBe(1);
    expect(report.events.rejected).toEqual([{ line: 2, reason: expect.stringContaining('not JSON') }]);
    expect(report.events.accepted).toBe(lines.length);
    expect(report.resumptions.map((r) => r.status)).toEqual(['ASSOCIATED', 'ASSOCIATED']);
  });

  it('replay of the seed stream prints tables for people and exits 0', async () => {
    const { code, stdout } = await chatline(['replay', SEED]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/events: 24 received, 24 accepted, 0 duplicates, 0 rejected/);
    expect(stdout).toContain('(initial) →');
    expect(stdout.match(/ASSOCIATED/g)).toHaveLength(2);
  });

  it('exits 2 on bad usage and on an unreadable file, saying why', async () => {
    const badOption = await chatline(['dev', '--grace', 'soon']);
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toContain('--grace must be a number of seconds >= 0; got "soon"');
    const missing = await chatline(['replay', join(dir, 'nope.jsonl')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read');
  });
});
