/**
 * The ops commands (resumptions, lineage, redrive) as an operator runs them: `chatline` in its own
 * process against a running local stack (its SQLite file and its Step Functions API over HTTP,
 * the real SFN client). The seed story gives customer-0001 a past session C1 → C2 → C3 and two
 * returns; a third return fails on purpose (Connect answers 500 to every association past the
 * retries: ledger FAILED with Connect's answer, the plan kept for a redrive), and a fourth, of customer-0002, names a chat Connect never had (ResourceNotFoundException: ledger
 * FAILED, its execution failed too, so it can be redriven, and fails again).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DemoResult } from '../../cli/demo';
import { startTestStack } from './local-stack-harness';
import { customerReturned, storyWithFailedReturn } from './ops-story';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const BIN = join(__dirname, '..', '..', 'bin', 'chatline.cjs');

describe('chatline resumptions / lineage / redrive against a running local stack', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let demo: DemoResult;
  let failedContact: string;
  const run = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile(process.execPath, [BIN, ...args], { timeout: 60_000, env: { ...process.env, COLUMNS: '200' } }, (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
    });
  /** On the test's stack. */
  const chatline = (args: string[]) => run([...args, '--db', stack.store.db.name, '--endpoint', stack.url]);

  beforeAll(async () => {
    stack = await startTestStack();
    ({ demo, failedContact } = await storyWithFailedReturn(stack));
    await customerReturned(stack, { instanceId: demo.instanceId, contactId: UNKNOWN, customerId: 'customer-0002', previousContactId: demo.contacts.C2 });
    stack.store.flush();
  }, 60_000);
  afterAll(() => stack.dispose());

  it('resumptions --json: true total, pages by --cursor, the failed execution shown as FAILED', async () => {
    const first = await chatline(['resumptions', '--json', '--limit', '2']);
    expect(first.code).toBe(0);
    const page = JSON.parse(first.stdout) as { items: { contactId: string; outcome: string; status: string }[]; total: number; next?: string };
    expect(page.total).toBe(4);
    expect(page.items).toHaveLength(2);
    const rest = JSON.parse((await chatline(['resumptions', '--json', '--limit', '2', '--cursor', page.next as string])).stdout) as typeof page;
    expect(rest.items).toHaveLength(2);
    expect(rest.next).toBeUndefined();
    expect([...page.items, ...rest.items].find((r) => r.contactId === failedContact)).toMatchObject({ status: 'FAILED', outcome: 'FAILED' });
    const assoc = JSON.parse((await chatline(['resumptions', '--json', '--status', 'associated', '--since', '1h', '--customer', 'customer-0001'])).stdout) as typeof page;
    expect(assoc.total).toBe(2);
    expect(JSON.parse((await chatline(['resumptions', '--json', '--since', '2099-01-01T00:00:00Z'])).stdout)).toMatchObject({ total: 0, items: [] });
  }, 60_000);

  it('resumptions prints a table with the totals for people', async () => {
    const { code, stdout } = await chatline(['resumptions']);
    expect(code).toBe(0);
    expect(stdout).toContain(failedContact);
    expect(stdout).not.toContain('ledger PLANNED');
    expect(stdout).toContain('ConnectUnavailableError');
    expect(stdout).toMatch(/4 of 4; this page: 2 ASSOCIATED, 2 FAILED/);
  }, 60_000);

  it('resumptions --status FAILED exits 1 when some matched (for alerts)', async () => {
    const failed = await chatline(['resumptions', '--status', 'FAILED', '--json']);
    expect(failed.code).toBe(1);
    const items = (JSON.parse(failed.stdout) as { total: number; items: { contactId: string; status: string; reason: string }[] }).items;
    expect(JSON.parse(failed.stdout)).toMatchObject({ total: 2 });
    expect(items.find((r) => r.contactId === UNKNOWN)).toMatchObject({ status: 'FAILED', reason: expect.stringContaining('ResourceNotFoundException') });
    expect(items.find((r) => r.contactId === failedContact)).toMatchObject({ status: 'FAILED', reason: expect.stringContaining('Connect.InternalServiceException') });
  }, 60_000);

  it('lineage of any segment\'s contact id: the sessions, segments in chain order, continuation edges, and each return\'s outcome', async () => {
    const { code, stdout } = await chatline(['lineage', demo.contacts.C3, '--json']);
    expect(code).toBe(0);
    const l = JSON.parse(stdout) as {
      customerId: string;
      sessions: { sessionId: string; segments: { contactId: string; kind: string }[]; return?: { shown: string[]; hidden: string[] } }[];
      edges: { fromContactId: string; toContactId: string; state: string }[];
      outcomes: Record<string, { outcome: string; execution?: string }>;
    };
    expect(l.customerId).toBe('customer-0001');
    expect(l.sessions).toHaveLength(4);
    expect(l.sessions[0]?.segments.map((s) => [s.contactId, s.kind])).toEqual([[demo.contacts.C1, 'initial'], [demo.contacts.C2, 'transfer'], [demo.contacts.C3, 'survey']]);
    const [uc1, uc2] = demo.useCases;
    expect(l.edges).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ fromContactId: demo.contacts.C2, toContactId: uc1?.contactId, state: 'associated' }),
        expect.objectContaining({ fromContactId: demo.contacts.C3, toContactId: uc2?.contactId, state: 'associated' }),
        expect.objectContaining({ fromContactId: demo.contacts.C2, toContactId: failedContact, state: 'failed' }),
      ]),
    );
    expect(l.sessions.find((s) => s.sessionId === uc1?.contactId)?.return).toMatchObject({ shown: [demo.contacts.C1, demo.contacts.C2], hidden: [demo.contacts.C3] });
    expect(l.outcomes[failedContact]).toMatchObject({ outcome: 'FAILED', execution: 'FAILED' });
    expect(l.outcomes[uc1?.contactId as string]).toMatchObject({ outcome: 'ASSOCIATED', execution: 'SUCCEEDED' });

    const text = await chatline(['lineage', 'customer-0001']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('customer customer-0001: 4 sessions, 3 returns');
    expect(text.stdout).toContain(`${demo.contacts.C1} (initial, a1) → ${demo.contacts.C2} (transfer, a2) → ${demo.contacts.C3} (survey)`);
    expect(text.stdout).toContain(`shows ${demo.contacts.C1}, ${demo.contacts.C2}; hides ${demo.contacts.C3}`);
    expect(text.stdout).toContain('return via app: FAILED');
    expect(text.stdout).toContain(`${demo.contacts.C2} (session ${demo.contacts.C1}) → ${failedContact}  [failed]`);

    const none = await chatline(['lineage', 'nobody-at-all']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no customer and no segment with a customer id matches "nobody-at-all"');
  }, 60_000);

  it('exits 2 with the fix on a bad flag, a missing --db or an endpoint nobody answers on', async () => {
    const bad = await chatline(['resumptions', '--since', 'yesterday']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('or a duration back from now');
    const status = await chatline(['resumptions', '--status', 'DONE']);
    expect(status.code).toBe(2);
    expect(status.stderr).toContain('must be PLANNED, ASSOCIATED, FAILED, SKIPPED');
    const down = await run(['resumptions', '--db', stack.store.db.name, '--endpoint', 'http://127.0.0.1:9']);
    expect(down.code).toBe(2);
    expect(down.stderr).toContain('no local stack answers at --endpoint http://127.0.0.1:9');
    const noDb = await run(['lineage', 'x', '--db', '/nonexistent/chatline.db']);
    expect(noDb.code).toBe(2);
    expect(noDb.stderr).toContain('no chatline database at --db /nonexistent/chatline.db');
    const unknown = await run(['redrive', '--force']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--force'");
    expect(unknown.stderr).toContain('Usage: chatline redrive');
    expect((await run(['resumptions', '--limit', '0'])).stderr).toContain('must be a whole number 1-1000; got "0"');
    expect((await run(['lineage'])).code).toBe(2);
  }, 60_000);

  it('--version prints the package version, on chatline and on each ops command', async () => {
    const { version } = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    for (const args of [['--version'], ['resumptions', '--version'], ['lineage', '--version'], ['redrive', '-V']]) {
      expect(await run(args)).toMatchObject({ code: 0, stdout: `${version}\n` });
    }
  }, 60_000);

  it('redrive: --dry-run counts and lists, no --yes off a terminal is refused, then redrives with the same ClientToken: ASSOCIATED, one association', async () => {
    const token = (await stack.store.getResumption(demo.instanceId, failedContact))?.value.plan?.clientToken;
    expect(token).toMatch(/^chatline-/);
    const dry = await chatline(['redrive', '--dry-run', '--json', '--reason', 'connect-error', '--since', '1h']);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, selected: 1, redriven: 0, results: [{ contactId: failedContact, result: 'would redrive', clientToken: token, outcome: 'FAILED' }] });
    const dryText = await chatline(['redrive', '--dry-run']);
    expect(dryText.code).toBe(0);
    expect(dryText.stdout).toContain('dry run: 2 of 2 would be redriven; nothing changed');
    expect((await chatline(['redrive', '--dry-run', '--json', '--reason', 'throttled'])).stdout).toContain('"selected":0');
    const unasked = await chatline(['redrive', '--reason', 'Internal']);
    expect(unasked.code).toBe(2);
    expect(unasked.stderr).toContain('1 resumption would be redriven: pass --yes to redrive them, or --dry-run to list them');
    expect((await chatline(['redrive', '--status', 'ASSOCIATED'])).code).toBe(2);
    expect((await stack.store.getResumption(demo.instanceId, failedContact))?.value.status).toBe('FAILED');

    const one = await chatline(['redrive', '--yes', '--reason', 'connect-error']);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('1 of 1 redriven (each with its stored ClientToken)');
    expect(one.stdout).toContain(token);
    await stack.waitForIdle();
    const after = (await stack.store.getResumption(demo.instanceId, failedContact))?.value;
    expect(after).toMatchObject({ status: 'ASSOCIATED', plan: { clientToken: token } });
    expect(stack.simulator.stats().associationsByContact[failedContact]).toBe(1);
    stack.store.flush();
    const again = await chatline(['redrive', '--yes', '--reason', 'connect-error']);
    expect(again).toMatchObject({ code: 0, stdout: expect.stringContaining('nothing to redrive') });
    // The unknown chat: redriven, Connect still does not know it, FAILED again with the same token.
    const unknownToken = (await stack.store.getResumption(demo.instanceId, UNKNOWN))?.value.plan?.clientToken;
    const last = await chatline(['redrive', '--yes', '--json']);
    expect(last.code).toBe(0);
    expect(JSON.parse(last.stdout)).toMatchObject({ selected: 1, redriven: 1, notRedrivable: 0, results: [{ contactId: UNKNOWN, clientToken: unknownToken }] });
    await stack.waitForIdle();
    expect((await stack.store.getResumption(demo.instanceId, UNKNOWN))?.value).toMatchObject({ status: 'FAILED', plan: { clientToken: unknownToken } });
  }, 90_000);
});
