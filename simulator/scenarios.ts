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

/** Another caller of the same Connect API (the chat widget backend, another tool), for as long as it runs. */
export interface SteadyCaller {
  /** Throttled answers so far. */
  throttled(): number;
  /** Calls made so far. */
  calls(): number;
  /** Stops calling; resolves when the last call made has answered. */
  stop(): Promise<void>;
}

/**
 * Calls `call` evenly, `ratePerSecond` times a second, without waiting for answers (a steady
 * share of the quota, whatever chatline does), counting the answers `isThrottle` recognises.
 * Calls that a busy event loop made late are made up, but never closer than half an interval
 * apart: it keeps its share without turning a late second into a burst that empties the bucket
 * (it catches up at twice its rate, not with every missed call at once).
 */
export function startSteadyCaller(ratePerSecond: number, call: () => Promise<unknown>, isThrottle: (err: unknown) => boolean): SteadyCaller {
  let calls = 0;
  let throttled = 0;
  let stopped = false;
  const pending = new Set<Promise<unknown>>();
  const interval = 1000 / ratePerSecond;
  const loop = (async () => {
    if (ratePerSecond <= 0) return;
    let last = Number.NEGATIVE_INFINITY;
    for (let next = Date.now(); !stopped; next += interval) {
      await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now(), last + interval / 2 - Date.now())));
      if (stopped) break;
      last = Date.now();
      calls++;
      const p: Promise<unknown> = call()
        .catch((e: unknown) => {
          if (isThrottle(e)) throttled++;
        })
        .finally(() => pending.delete(p));
      pending.add(p);
    }
  })();
  return {
    throttled: () => throttled,
    calls: () => calls,
    stop: async () => {
      stopped = true;
      await loop;
      await Promise.all([...pending]);
    },
  };
}
