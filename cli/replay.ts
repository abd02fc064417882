/**
 * Replays a recorded stream of EventBridge envelopes (JSON Lines: Connect contact events and
 * `Chat Customer Returned` events) through the local bus and workflows. The simulator mirrors the
 * contacts it sees, so the associations can be made. A line that does not parse or validate is
 * rejected with its reason (and kept in the rejected-event store); the rest still run.
 */
import { dedupKey } from '../core/identifiers';
import { sessionsOf } from '../core/lineage-view';
import type { SessionView } from '../core/lineage-view';
import { parseInputEvent } from '../core/schemas';
import { InvalidEventError } from '../core/errors';
import type { EventEnvelope } from '../local/bus';
import type { LocalStack } from '../local/stack';

export interface ReplayReport {
  events: { received: number; accepted: number; duplicates: number; rejected: { line: number; reason: string }[] };
  sessions: SessionView[];
  resumptions: {
    contactId: string;
    status: string;
    rehydrationType?: string;
    sourceContactId?: string;
    continuedFromContactId?: string;
    clientToken?: string;
    attempts: number;
    reason?: string;
  }[];
}

/**
 * `signal` (the CLI's shutdown signal) stops the replay between events: delivery stops, and the
 * stack's close journals what is in flight. The events are not in the bus inbox (they are routed,
 * not put), so running the same replay again on the same --db finishes the job; dedup makes the
 * events already done count as duplicates.
 */
export async function replayLines(
  stack: LocalStack,
  text: string,
  progress: (done: number, total: number) => void = () => undefined,
  signal?: AbortSignal,
): Promise<ReplayReport> {
  const lines = text.split('\n').map((l, i) => ({ line: i + 1, text: l.trim() })).filter((l) => l.text.length > 0);
  const rejected: ReplayReport['events']['rejected'] = [];
  const accepted: { line: number; event: EventEnvelope; key: string }[] = [];
  for (const { line, text: raw } of lines) {
    try {
      const event = JSON.parse(raw) as EventEnvelope;
      const parsed = parseInputEvent(event);
      accepted.push({ line, event, key: dedupKey(parsed) });
    } catch (err) {
      const reason = err instanceof InvalidEventError ? err.reason : `not JSON: ${(err as Error).message}`;
      rejected.push({ line, reason });
      await stack.store.putRejected({ receivedAt: new Date().toISOString(), reason, event: raw, origin: `replay line ${line}` });
    }
  }
  const seen = new Set<string>();
  let duplicates = 0;
  for (const [i, { event, key }] of accepted.entries()) {
    signal?.throwIfAborted();
    if (seen.has(key)) duplicates++;
    seen.add(key);
    if (event.source === 'aws.connect') stack.simulator.mirror(event);
    stack.bus.deliver(event);
    progress(i + 1, accepted.length);
  }
  await stack.waitForIdle();
  return {
    events: { received: lines.length, accepted: accepted.length, duplicates, rejected },
    sessions: sessionsOf(await stack.store.listSegments()),
    resumptions: (await stack.store.listResumptions()).map((r) => ({
      contactId: r.contactId,
      status: r.status,
      ...(r.plan ? { rehydrationType: r.plan.rehydrationType, sourceContactId: r.plan.sourceContactId, clientToken: r.plan.clientToken } : {}),
      ...(r.continuedFromContactId ? { continuedFromContactId: r.continuedFromContactId } : {}),
      attempts: r.attempts,
      ...(r.reason ? { reason: r.reason } : {}),
    })),
  };
}
