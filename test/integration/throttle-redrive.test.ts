/**
 * A return that Connect throttles past every throttled round: the ledger says FAILED with the
 * reason (never PLANNED with a blank one), the execution failed at RecordConnectFailure; a redrive
 * over the real SFN client plans it again and associates it once, with the same ClientToken.
 * A return whose every answer was lost after the first call committed is ASSOCIATED, not FAILED:
 * VerifyAssociation asks DescribeContact before the ledger says FAILED. So is one whose repeat
 * call, after the first committed and lost its answer, is refused with a terminal error.
 */
import { GetExecutionHistoryCommand } from '@aws-sdk/client-sfn';
import { runDemo } from '../../cli/demo';
import type { DemoResult } from '../../cli/demo';
import type { LocalStack } from '../../local/stack';
import { OpsQuery } from '../../ops/query';
import { startTestStackWithClients } from './local-stack-harness';
import { customerReturned } from './ops-story';

it('records a return throttled past its rounds as FAILED with the reason; a redrive associates it once with the same ClientToken', async () => {
  await withDemoStack(async ({ stack, ops, demo, customerReturns, statesEntered }) => {
    stack.simulator.setFaults({ throttleRate: { CreatePersistentContactAssociation: 1 } });
    const contactId = await customerReturns();

    const failed = (await stack.store.getResumption(demo.instanceId, contactId))?.value;
    expect(failed).toMatchObject({ status: 'FAILED', throttleRounds: 0, reason: expect.stringMatching(/^ConnectThrottledError: CreatePersistentContactAssociation for \S+ was still throttled after 5 throttled rounds/) });
    expect((await ops.resumption(demo.instanceId, contactId))?.resumption).toMatchObject({ status: 'FAILED', outcome: 'FAILED', execution: { status: 'FAILED', error: 'ConnectThrottledError' } });
    expect((await ops.failures()).groups).toEqual([expect.objectContaining({ kind: expect.objectContaining({ key: 'throttled' }), count: 1, redrivable: 1 })]);
    expect(stack.simulator.stats().associationsByContact[contactId] ?? 0).toBe(0);
    expect((await statesEntered(contactId)).slice(-4)).toEqual(['VerifyAssociation', 'CommittedAfterAll', 'NotVerified', 'RecordConnectFailure']);

    stack.simulator.setFaults({ throttleRate: { CreatePersistentContactAssociation: 0 } });
    expect(await ops.redrive({})).toEqual([expect.objectContaining({ contactId, result: 'redriven', clientToken: failed?.plan?.clientToken })]);
    await stack.waitForIdle();
    const after = await ops.resumption(demo.instanceId, contactId);
    expect(after?.resumption).toMatchObject({ status: 'ASSOCIATED', outcome: 'ASSOCIATED', execution: { status: 'SUCCEEDED', redriveCount: 1 } });
    expect(after?.resumption.reason).toBeUndefined();
    expect(after?.history?.attempts.at(-1)).toMatchObject({ answer: 'succeeded', clientToken: failed?.plan?.clientToken });
    expect(stack.simulator.stats().associationsByContact[contactId]).toBe(1);
  });
}, 120_000);

it('a return whose call committed and whose every answer was lost is ASSOCIATED (DescribeContact shows it), not FAILED', async () => {
  await withDemoStack(async ({ stack, ops, demo, customerReturns, statesEntered }) => {
    // The first call commits; it and each retry with the same ClientToken (a replay) answer 500.
    stack.simulator.setFaults({ lostResponseAfterCommit: { CreatePersistentContactAssociation: 5 } });
    const contactId = await customerReturns();

    const view = await ops.resumption(demo.instanceId, contactId);
    expect(view?.resumption).toMatchObject({ status: 'ASSOCIATED', outcome: 'ASSOCIATED', execution: { status: 'SUCCEEDED' } });
    expect(view?.resumption.reason).toBeUndefined();
    expect(view?.history?.attempts.length).toBe(5);
    expect(view?.history?.attempts.every((a) => a.answer === 'failed')).toBe(true);
    expect(stack.simulator.stats().associationsByContact[contactId]).toBe(1);
    expect(stack.simulator.stats().lostResponses).toBe(5);
    const entered = await statesEntered(contactId);
    expect(entered).toEqual(expect.arrayContaining(['ReportConnectFailure', 'VerifyAssociation', 'AssociatedAfterAll', 'RecordOutcome']));
    expect(entered).not.toContain('RecordConnectFailure');
  });
}, 120_000);

it('a return whose call committed, lost its answer, and whose repeat was refused as already persistent is ASSOCIATED, not FAILED', async () => {
  // A Connect that runs the contact's checks before the ClientToken lookup (simulator semantics):
  // the Associate Retry's second call is refused InvalidRequestException, a terminal answer.
  await withDemoStack(async ({ stack, ops, demo, customerReturns, statesEntered }) => {
    stack.simulator.setFaults({ lostResponseAfterCommit: { CreatePersistentContactAssociation: 1 } });
    const contactId = await customerReturns();

    const view = await ops.resumption(demo.instanceId, contactId);
    expect(view?.resumption).toMatchObject({ status: 'ASSOCIATED', outcome: 'ASSOCIATED', continuedFromContactId: expect.any(String), execution: { status: 'SUCCEEDED' } });
    expect(view?.history?.attempts.map((a) => a.answer)).toEqual(['failed', 'failed']);
    expect(stack.simulator.stats().associationsByContact[contactId]).toBe(1);
    const entered = await statesEntered(contactId);
    expect(entered).toEqual(expect.arrayContaining(['Associate', 'VerifyAssociation', 'CommittedAfterAll', 'AssociatedAfterAll', 'RecordOutcome']));
    expect(entered).not.toContain('AssociationFailed');
  }, { simulator: { transcriptReadySeconds: 0, throttling: false, semantics: { cpcaTokenReplay: 'check-state-first' } } });
}, 120_000);

it("a terminal refusal with no association behind it is FAILED with Connect's answer, once DescribeContact shows none", async () => {
  await withDemoStack(async ({ stack, ops, demo, customerReturns, statesEntered }) => {
    stack.simulator.setFaults({ refuseRate: { CreatePersistentContactAssociation: 1 } });
    const contactId = await customerReturns();

    const view = await ops.resumption(demo.instanceId, contactId);
    expect(view?.resumption).toMatchObject({ status: 'FAILED', outcome: 'FAILED', reason: expect.stringContaining('InvalidRequestException'), execution: { status: 'FAILED' } });
    expect(view?.history?.attempts.map((a) => a.answer)).toEqual(['failed']);
    expect(stack.simulator.stats()).toMatchObject({ injectedRefusals: 1 });
    expect(stack.simulator.stats().associationsByContact[contactId] ?? 0).toBe(0);
    const entered = await statesEntered(contactId);
    expect(entered.slice(entered.indexOf('Associate'))).toEqual(['Associate', 'VerifyAssociation', 'CommittedAfterAll', 'NotVerified', 'AssociationFailed', 'RecordOutcome', 'PublishOutcome', 'IsFailure', expect.any(String)]);
  });
}, 120_000);

/**
 * The local stack with the seed story run, an SFN client and OpsQuery over it, disposed after
 * `use`; `customerReturns` starts a chat of customer-0001 and announces it as a return from C2
 * (then waits until all is quiet), `statesEntered` lists the states its execution entered.
 */
async function withDemoStack(
  use: (s: { stack: LocalStack; ops: OpsQuery; demo: DemoResult; customerReturns: () => Promise<string>; statesEntered: (contactId: string) => Promise<string[]> }) => Promise<void>,
  options: Parameters<typeof startTestStackWithClients>[0] = {},
): Promise<void> {
  const env = await startTestStackWithClients(options);
  const { stack, sfn } = env;
  const ops = new OpsQuery({ store: stack.store, sfn, resumeChatArn: stack.arns.resumeChat });
  try {
    const demo = await runDemo(stack);
    const customerReturns = async (): Promise<string> => {
      const { contactId } = await stack.simulator.startChat({ instanceId: demo.instanceId, customerId: 'customer-0001', displayName: 'Customer' });
      await customerReturned(stack, { instanceId: demo.instanceId, contactId, customerId: 'customer-0001', previousContactId: demo.contacts.C2 });
      return contactId;
    };
    const statesEntered = async (contactId: string): Promise<string[]> => {
      const executionArn = (await ops.resumption(demo.instanceId, contactId))?.resumption.execution?.arn;
      const names: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, ...(nextToken ? { nextToken } : {}) }));
        for (const e of page.events ?? []) if (e.type?.endsWith('StateEntered') && e.stateEnteredEventDetails?.name) names.push(e.stateEnteredEventDetails.name);
        nextToken = page.nextToken;
      } while (nextToken);
      return names;
    };
    await use({ stack, ops, demo, customerReturns, statesEntered });
  } finally {
    await env.dispose();
  }
}
