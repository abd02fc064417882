/**
 * The ops query layer against the local stack: the real SFN client over HTTP to the stack's
 * Step Functions API, the stack's SQLite store. The seed story gives a customer with a past
 * session (C1 → C2 → C3 survey) and two returns; a third return fails on purpose (Connect answers
 * 500 to every CreatePersistentContactAssociation past the retries: the ledger says FAILED with
 * Connect's answer, the plan kept), is found in the failures, redriven, and ends
 * ASSOCIATED with the same ClientToken and one association.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { LOCAL_REGION } from '../../core/constants';
import type { DemoResult } from '../../cli/demo';
import { OpsQuery } from '../../ops/query';
import { startTestStack } from './local-stack-harness';
import { storyWithFailedReturn } from './ops-story';

describe('ops query layer (local stack, real SFN client)', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let sfn: SFNClient;
  let ops: OpsQuery;
  let demo: DemoResult;
  let failedContact: string;

  beforeAll(async () => {
    stack = await startTestStack();
    sfn = new SFNClient({ endpoint: stack.url, region: LOCAL_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    ops = new OpsQuery({ store: stack.store, sfn, resumeChatArn: stack.arns.resumeChat });
    ({ demo, failedContact } = await storyWithFailedReturn(stack));
  }, 60_000);
  afterAll(async () => {
    sfn.destroy();
    await stack.dispose();
  });

  it('finds the customer by customer id and by any contact id of any segment', async () => {
    expect(await ops.search('customer-0001')).toContainEqual({ kind: 'customer', customerId: 'customer-0001' });
    const bySurvey = await ops.search(demo.contacts.C3);
    expect(bySurvey).toEqual([{ kind: 'contact', instanceId: demo.instanceId, contactId: demo.contacts.C3, sessionId: demo.contacts.C1, customerId: 'customer-0001', isReturn: false }]);
    expect((await ops.search(failedContact))[0]).toMatchObject({ kind: 'contact', isReturn: true });
    expect(await ops.search('nobody')).toEqual([]);
  });

  it('draws the customer: every session, segments with kind and agent, continuation edges, shown and hidden per return', async () => {
    const view = await ops.customer('customer-0001');
    expect(view.sessions).toHaveLength(4);
    const past = view.sessions.find((s) => s.sessionId === demo.contacts.C1);
    expect(past?.segments.map((s) => [s.contactId, s.kind, s.agent ?? null])).toEqual([
      [demo.contacts.C1, 'initial', 'a1'],
      [demo.contacts.C2, 'transfer', 'a2'],
      [demo.contacts.C3, 'survey', null],
    ]);
    const [uc1, uc2] = demo.useCases;
    const ret1 = view.sessions.find((s) => s.sessionId === uc1?.contactId)?.return;
    expect(ret1).toMatchObject({ status: 'ASSOCIATED', shown: [demo.contacts.C1, demo.contacts.C2], hidden: [demo.contacts.C3], plan: { policy: 'from-segment', rehydrationType: 'FROM_SEGMENT', sourceContactId: demo.contacts.C2 } });
    expect(ret1?.plan?.clientToken).toMatch(/^chatline-[0-9a-f]{32}$/);
    const ret2 = view.sessions.find((s) => s.sessionId === uc2?.contactId)?.return;
    expect(ret2).toMatchObject({ status: 'ASSOCIATED', shown: [demo.contacts.C1, demo.contacts.C2, demo.contacts.C3], hidden: [], plan: { rehydrationType: 'ENTIRE_PAST_SESSION' } });
    expect(view.edges).toEqual(
      expect.arrayContaining([
        { fromSessionId: demo.contacts.C1, fromContactId: demo.contacts.C2, toSessionId: uc1?.contactId, toContactId: uc1?.contactId, state: 'associated' },
        { fromSessionId: demo.contacts.C1, fromContactId: demo.contacts.C3, toSessionId: uc2?.contactId, toContactId: uc2?.contactId, state: 'associated' },
        { fromSessionId: demo.contacts.C1, fromContactId: demo.contacts.C2, toSessionId: failedContact, toContactId: failedContact, state: 'failed' },
      ]),
    );
  });

  it('lists resumptions with true totals, filters and pages, and shows the return whose association kept failing as FAILED in the ledger and in its execution', async () => {
    const all = await ops.resumptions({ limit: 2 });
    expect(all.total).toBe(3);
    expect(all.items).toHaveLength(2);
    const rest = await ops.resumptions({ limit: 2, cursor: all.next as string });
    expect(rest.items).toHaveLength(1);
    expect(rest.next).toBeUndefined();
    const failed = [...all.items, ...rest.items].find((r) => r.contactId === failedContact);
    expect(failed).toMatchObject({ status: 'FAILED', outcome: 'FAILED', execution: { status: 'FAILED', error: 'ConnectUnavailableError' } });
    expect(failed?.reason).toContain('Connect.InternalServiceException');
    expect((await ops.resumptions({ statuses: ['ASSOCIATED'] })).total).toBe(2);
    expect((await ops.resumptions({ customerId: 'customer-0001' })).total).toBe(3);
    expect((await ops.resumptions({ customerId: 'nobody' })).total).toBe(0);
    expect((await ops.resumptions({ since: '2999-01-01T00:00:00.000Z' })).total).toBe(0);
  });

  it('opens a resumption: plan, every Connect attempt from the execution history, waits, and Step Functions event names', async () => {
    const view = await ops.resumption(demo.instanceId, failedContact);
    expect(view?.resumption.plan?.sourceContactId).toBe(demo.contacts.C2);
    expect(view?.shown).toEqual([demo.contacts.C1, demo.contacts.C2]);
    expect(view?.hidden).toEqual([demo.contacts.C3]);
    const attempts = view?.history?.attempts ?? [];
    expect(attempts.length).toBeGreaterThan(1);
    expect(attempts.every((a) => a.answer === 'failed' && a.error === 'Connect.InternalServiceException')).toBe(true);
    expect(new Set(attempts.map((a) => a.clientToken))).toEqual(new Set([view?.resumption.plan?.clientToken]));
    expect(view?.history?.waits.map((w) => w.kind)).toEqual(expect.arrayContaining(['budget', 'retry backoff'])); // readiness is folded into the slot
    const types = view?.history?.timeline.map((e) => e.type) ?? [];
    expect(types).toEqual(expect.arrayContaining(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskFailed', 'WaitStateEntered', 'ExecutionFailed']));
    expect(await ops.resumption(demo.instanceId, 'nope')).toBeUndefined();
  });

  it('groups the failure by reason in plain words, redrives it, and it ends ASSOCIATED with the same ClientToken and one association', async () => {
    const failures = await ops.failures();
    expect(failures.total).toBe(1);
    expect(failures.groups).toHaveLength(1);
    expect(failures.groups[0]).toMatchObject({ kind: { key: 'connect-error' }, count: 1, redrivable: 1 });
    const token = failures.groups[0]?.items[0]?.plan?.clientToken;
    expect(await ops.redrive({ dryRun: true })).toEqual([expect.objectContaining({ contactId: failedContact, result: 'would redrive', clientToken: token })]);
    expect(await ops.redrive({})).toEqual([expect.objectContaining({ contactId: failedContact, result: 'redriven', clientToken: token })]);
    await stack.waitForIdle();
    const after = await ops.resumption(demo.instanceId, failedContact);
    expect(after?.resumption).toMatchObject({ status: 'ASSOCIATED', outcome: 'ASSOCIATED', execution: { status: 'SUCCEEDED', redriveCount: 1 } });
    expect(after?.history?.attempts.at(-1)).toMatchObject({ answer: 'succeeded', clientToken: token, continuedFromContactId: demo.contacts.C2 });
    expect(after?.history?.timeline.map((e) => e.type)).toContain('ExecutionRedriven');
    expect(stack.simulator.stats().associationsByContact[failedContact]).toBe(1);
    expect((await ops.failures()).total).toBe(0);
    expect(await ops.redrive({})).toEqual([]);
  });

  it('counts per minute: returns, associated, latency', async () => {
    const m = await ops.metrics();
    expect(m.totals).toMatchObject({ returns: 3, associated: 3, failed: 0, skipped: 0 });
    const busy = m.minutes.filter((x) => x.associated > 0);
    expect(busy.length).toBeGreaterThan(0);
    expect(busy.every((x) => x.latencyP50 !== undefined && x.latencyP99 !== undefined && (x.latencyP99 as number) >= (x.latencyP50 as number))).toBe(true);
    expect(m.minutes.length).toBeGreaterThanOrEqual(60); // the last 60 minutes, the partial first and last ones included
    expect(m.minutes.length).toBeLessThanOrEqual(61);
    expect(m.budget).toBeNull();
  });
});
