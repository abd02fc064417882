/**
 * A return whose resume-chat execution failed after the ledger recorded its plan, outside the
 * Associate path (here RecordOutcome keeps failing with an error no Retry takes): the ledger still
 * says PLANNED, and the ops layer joins it with its execution. The resumptions list and the
 * customer view show it FAILED with the execution's error, the failures view counts it and can
 * redrive it, and `chatline resumptions`' table says "FAILED (ledger PLANNED)".
 */
import { formatResumptions } from '../../cli/resumptions';
import { runDemo } from '../../cli/demo';
import { OpsQuery } from '../../ops/query';
import { startTestStackWithClients } from './local-stack-harness';
import { customerReturned } from './ops-story';

describe('a return whose execution failed while the ledger says PLANNED', () => {
  let env: Awaited<ReturnType<typeof startTestStackWithClients>>;
  let stack: typeof env.stack;
  let ops: OpsQuery;
  let instanceId: string;
  let contactId: string;
  let outcomeFails = false;

  beforeAll(async () => {
    env = await startTestStackWithClients({
      steps: (real) => ({
        ...real,
        recordOutcome: async (input) => {
          if (!outcomeFails) return real.recordOutcome(input);
          const err = new Error('the ledger table is unavailable');
          err.name = 'LedgerUnavailableError';
          throw err;
        },
      }),
    });
    stack = env.stack;
    ops = new OpsQuery({ store: stack.store, sfn: env.sfn, resumeChatArn: stack.arns.resumeChat });
    const demo = await runDemo(stack);
    instanceId = demo.instanceId;
    outcomeFails = true;
    ({ contactId } = await stack.simulator.startChat({ instanceId: demo.instanceId, customerId: 'customer-0001', displayName: 'Customer' }));
    await customerReturned(stack, { instanceId: demo.instanceId, contactId, customerId: 'customer-0001', previousContactId: demo.contacts.C2, rehydration: 'from-segment' });
    outcomeFails = false;
  }, 60_000);
  afterAll(() => env.dispose());

  it('is PLANNED in the ledger, its execution FAILED with the error, and the association was made', async () => {
    expect((await stack.store.getResumption(instanceId, contactId))?.value.status).toBe('PLANNED');
    expect(stack.simulator.stats().associationsByContact[contactId]).toBe(1);
    const { items } = await ops.resumptions({ limit: 50 });
    const row = items.find((r) => r.contactId === contactId);
    expect(row).toMatchObject({ status: 'PLANNED', outcome: 'FAILED', execution: { status: 'FAILED', error: 'LedgerUnavailableError' } });
    expect(row?.reason).toMatch(/LedgerUnavailableError: the ledger table is unavailable/);
    expect(formatResumptions({ items: row ? [row] : [], total: 1 })).toContain('FAILED (ledger PLANNED)');
  });

  it('is listed by the FAILED outcome filter and not by PLANNED, paged with the ledger FAILED and ASSOCIATED records', async () => {
    const failed = await ops.resumptions({ statuses: ['FAILED'] });
    expect(failed.items.map((r) => r.contactId)).toEqual([contactId]);
    expect(failed.total).toBe(1);
    expect((await ops.resumptions({ statuses: ['PLANNED'] })).total).toBe(0);
    expect((await ops.resumptions({ statuses: ['FAILED'], customerId: 'customer-0001' })).items.map((r) => r.contactId)).toEqual([contactId]);
    // One a page across the two sources: every record once, newest first, the total exact.
    const all = (await ops.resumptions({ limit: 50 })).items.filter((r) => r.outcome === 'FAILED' || r.outcome === 'ASSOCIATED');
    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await ops.resumptions({ statuses: ['ASSOCIATED', 'FAILED'], limit: 1, ...(cursor ? { cursor } : {}) });
      expect(page.total).toBe(all.length);
      paged.push(...page.items.map((r) => r.contactId));
      cursor = page.next;
    } while (cursor);
    expect(paged).toEqual(all.map((r) => r.contactId));
    expect(paged).toContain(contactId);
  });

  it('is in the failures view, and shows FAILED on the customer view', async () => {
    const failures = await ops.failures();
    const items = failures.groups.flatMap((g) => g.items);
    expect(items.map((r) => r.contactId)).toEqual([contactId]);
    expect(failures.groups.find((g) => g.items.some((r) => r.contactId === contactId))?.redrivable).toBe(1);
    const view = await ops.customerWithOutcomes('customer-0001');
    expect(view.sessions.find((s) => s.sessionId === contactId)?.return).toMatchObject({ status: 'FAILED', reason: expect.stringMatching(/LedgerUnavailableError/) });
  });

  it('redriven once RecordOutcome works again, ends ASSOCIATED and no longer counts as failed', async () => {
    const [result] = await ops.redrive({ contacts: [{ instanceId, contactId }] });
    expect(result).toMatchObject({ result: 'redriven' });
    await stack.waitForIdle();
    const row = (await ops.resumptions({ limit: 50 })).items.find((r) => r.contactId === contactId);
    expect(row).toMatchObject({ status: 'ASSOCIATED', outcome: 'ASSOCIATED', execution: { status: 'SUCCEEDED' } });
    expect((await ops.failures()).total).toBe(0);
    expect((await ops.resumptions({ statuses: ['FAILED'] })).total).toBe(0);
    // The redrive continued at RecordOutcome: Connect was not asked again.
    expect(stack.simulator.stats().associationsByContact[contactId]).toBe(1);
  });
});
