/**
 * Fills a local stack with the simulator's traffic generator (bench/generate-traffic.ts) through
 * the real pipeline: each contact's events in order, as a replay delivers them (the stack's
 * simulator mirrors each contact first), so the returns are detected, planned and associated by
 * the workflows themselves.
 */
import { generateTraffic } from '../../bench/generate-traffic';
import type { GeneratedTraffic } from '../../bench/generate-traffic';
import { ContactOrderedDelivery } from '../../cli/replay-delivery';
import type { EventEnvelope } from '../../local/bus';
import type { LocalStack } from '../../local/stack';

export async function fillWithTraffic(stack: LocalStack, options: { events: number; returnProbability: number; seed: number }): Promise<GeneratedTraffic> {
  const events: EventEnvelope[] = [];
  const traffic = await generateTraffic(options, (e) => void events.push(e));
  const delivery = new ContactOrderedDelivery(stack);
  const pending: Promise<unknown>[] = [];
  let line = 0;
  for (const event of events) {
    const contactId = String((event.detail as { contactId?: unknown }).contactId ?? '');
    pending.push(delivery.deliver(++line, event, contactId));
    // A window, so the bus's queue stays short.
    if (pending.length >= 256) await Promise.all(pending.splice(0, 128));
  }
  await Promise.all(pending);
  await stack.waitForIdle();
  return traffic;
}
