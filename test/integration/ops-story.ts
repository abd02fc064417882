/**
 * The ops tests' story: the seed story (customer-0001: C1 → C2 → C3 survey, two returns), then a
 * third return of customer-0001 while Connect answers 500 to every CreatePersistentContactAssociation
 * (its resume-chat execution fails at RecordConnectFailure; the ledger says FAILED with Connect's
 * answer and keeps the plan for a redrive).
 */
import { runDemo } from '../../cli/demo';
import type { DemoResult } from '../../cli/demo';
import { CUSTOMER_RETURNED_DETAIL_TYPE, DEFAULT_RETURN_EVENT_SOURCE } from '../../core/constants';
import type { LocalStack } from '../../local/stack';

/** A `Chat Customer Returned` app event onto the stack's bus, then waits until all is quiet. */
export async function customerReturned(stack: LocalStack, detail: Record<string, unknown>): Promise<void> {
  await stack.bus.putEvents([{ Source: DEFAULT_RETURN_EVENT_SOURCE, DetailType: CUSTOMER_RETURNED_DETAIL_TYPE, Detail: JSON.stringify(detail) }]);
  await stack.waitForIdle();
}

export async function storyWithFailedReturn(stack: LocalStack): Promise<{ demo: DemoResult; failedContact: string }> {
  const demo = await runDemo(stack);
  stack.simulator.setFaults({ error5xxRate: 1, error5xxApis: ['CreatePersistentContactAssociation'] });
  const { contactId } = await stack.simulator.startChat({ instanceId: demo.instanceId, customerId: 'customer-0001', displayName: 'Customer' });
  await customerReturned(stack, { instanceId: demo.instanceId, contactId, customerId: 'customer-0001', previousContactId: demo.contacts.C2, rehydration: 'from-segment' });
  stack.simulator.setFaults({ error5xxRate: 0 });
  return { demo, failedContact: contactId };
}
