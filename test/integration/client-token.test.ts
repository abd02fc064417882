/**
 * Issue 2 acceptance: the simulator commits the first association and then loses the response
 * (500). The workflow retries with the ClientToken stored in the plan, and the simulator sees one
 * association, not two.
 */
import { CUSTOMER_RETURNED_DETAIL_TYPE, DEFAULT_RETURN_EVENT_SOURCE } from '../../core/constants';
import { startTestStack } from './local-stack-harness';

it('a lost response after commit is retried with the same token and associates once', async () => {
  const stack = await startTestStack();
  try {
    const sim = stack.simulator;
    const instanceId = sim.createInstance();
    const { contactId: C1 } = await sim.startChat({ instanceId, customerId: 'cust' });
    await sim.acceptContact(instanceId, C1, 'a1');
    await sim.endContact(instanceId, C1);
    await stack.waitForIdle();

    const told = await fetch(`${stack.url}/_sim/faults`, { method: 'POST', body: JSON.stringify({ lostResponseAfterCommit: 1 }) });
    expect(told.status).toBe(200);
    const { contactId: N1 } = await sim.startChat({ instanceId });
    await stack.bus.putEvents([{ Source: DEFAULT_RETURN_EVENT_SOURCE, DetailType: CUSTOMER_RETURNED_DETAIL_TYPE, Detail: JSON.stringify({ instanceId, contactId: N1, previousContactId: C1 }) }]);
    await stack.waitForIdle();

    const stats = sim.stats();
    expect(stats.lostResponses).toBe(1);
    expect(stats.apis.CreatePersistentContactAssociation.calls).toBe(2);
    expect(stats.associationsByContact).toEqual({ [N1]: 1 });
    const ledger = (await stack.store.getResumption(instanceId, N1))?.value;
    expect(ledger).toMatchObject({ status: 'ASSOCIATED', attempts: 2, continuedFromContactId: C1 });
    const resume = stack.sfn.listExecutions({ stateMachineArn: stack.arns.resumeChat, limit: 100 });
    expect(resume.map((e) => e.status)).toEqual(['SUCCEEDED']);
    const failedThenRetried = stack.sfn.history(resume[0]!.executionArn).filter((h) => h.type === 'TaskFailed' && h.details['name'] === 'Associate');
    expect(failedThenRetried).toHaveLength(1);
  } finally {
    await stack.dispose();
  }
});
