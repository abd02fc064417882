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

  it('replay --json reports hostile lines and a failed return, runs the rest, and exits 1', async () => {
    const lines = readFileSync(SEED, 'utf8').trim().split('\n');
    const forged = JSON.stringify({ version: '0', id: 'forged', 'detail-type': 'Chat Customer Returned', source: 'aws.connect', time: '2026-11-25T00:49:57Z', detail: { instanceId: 'i', contactId: 'c', customerId: 'x' } });
    // A return for a chat Connect never had: CreatePersistentContactAssociation answers ResourceNotFoundException.
    const unknown = JSON.stringify({
      version: '0', id: 'unknown-return', 'detail-type': 'Chat Customer Returned', source: 'chatline.app', time: '2026-11-25T00:49:57Z',
      detail: { instanceId: '5bd2ca1e-0135-4f10-b15e-d204758835ec', contactId: '00000000-0000-4000-8000-000000000000', previousContactId: '784f0e2b-566e-4ce4-a2a8-e8657aa891a6' },
    });
    const file = join(dir, 'broken.jsonl');
    writeFileSync(file, [lines[0], '{"detail-type":"Amazon Connect Contact Event"', forged, ...lines.slice(1), unknown].join('\n'));
    const { code, stdout, stderr } = await chatline(['replay', file, '--json']);
    const report = JSON.parse(stdout) as {
      events: { received: number; accepted: number; rejected: number };
      rejected: { line: number; reason: string }[];
      resumptions: { contactId: string; status: string; reason?: string }[];
      problems: string[];
    };
    expect(code).toBe(1);
    expect(stderr).toBe('');
    expect(report.rejected).toEqual([
      { line: 2, reason: expect.stringContaining('not JSON') },
      { line: 3, reason: expect.stringContaining('aws.* sources are reserved') },
    ]);
    expect(report.events).toMatchObject({ received: lines.length + 3, accepted: lines.length + 1, rejected: 2 });
    expect(report.resumptions.map((r) => r.status).sort()).toEqual(['ASSOCIATED', 'ASSOCIATED', 'FAILED']);
    expect(report.resumptions.find((r) => r.status === 'FAILED')?.reason).toContain('Connect.ResourceNotFoundException');
    expect(report.problems).toEqual(['2 lines rejected', '1 return not ASSOCIATED nor SKIPPED with a reason', '1 failed resume-chat execution']);
  });

  it('replay of the seed stream prints tables for people and exits 0', async () => {
    const { code, stdout } = await chatline(['replay', SEED]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/events: 24 received, 24 accepted, 0 duplicates, 0 ignored, 0 rejected, 0 failed/);
    expect(stdout).toContain('(initial) →');
    expect(stdout).toContain('returns: 2 (2 ASSOCIATED)');
    expect(stdout).toContain('As expected');
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
