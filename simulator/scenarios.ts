/**
 * Ready-made simulator states for benchmarks and tests: customers with an ended past chat, each
 * back in a new chat, and the `Chat Customer Returned` app events that announce them.
 */
import { CUSTOMER_RETURNED_DETAIL_TYPE, DEFAULT_RETURN_EVENT_SOURCE } from '../core/constants';
import type { ConnectSimulator } from './index';

export interface ReturningCustomer {
  /** The ended past chat. */
  readonly past: string;
  /** The new chat, still active. */
  readonly next: string;
}

/** `count` customers (`cust-0`…), each with an accepted and ended past chat and a new active chat. */
export async function returningCustomers(sim: ConnectSimulator, instanceId: string, count: number): Promise<ReturningCustomer[]> {
  const customers: ReturningCustomer[] = [];
  for (let i = 0; i < count; i++) {
    const { contactId: past } = await sim.startChat({ instanceId, customerId: `cust-${i}` });
    await sim.acceptContact(instanceId, past, 'agent-1');
    await sim.endContact(instanceId, past);
    const { contactId: next } = await sim.startChat({ instanceId });
    customers.push({ past, next });
  }
  return customers;
}

/** One PutEvents entry per customer: the app event saying the new chat continues the past one. */
export function customerReturnedEntries(instanceId: string, customers: readonly ReturningCustomer[]) {
  return customers.map(({ past, next }) => ({
    Source: DEFAULT_RETURN_EVENT_SOURCE,
    DetailType: CUSTOMER_RETURNED_DETAIL_TYPE,
    Detail: JSON.stringify({ instanceId, contactId: next, previousContactId: past }),
  }));
}
