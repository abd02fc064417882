/**
 * Replays a recorded stream of EventBridge envelopes (JSON Lines: Connect contact events and
 * `Chat Customer Returned` events) through the local bus and workflows, and reports what became
 * of every line and every return (./replay-report.ts).
 *
 * The file is streamed (./replay-lines.ts) and every line screened first (./replay-screen.ts):
 * a line that cannot be read or does not validate is rejected with its reason and kept in the
 * rejected-event store; a well-formed event no rule matches is ignored; the rest are delivered.
 * At most `maxInFlight` lines are in flight; the reading waits for room.
 *
 * Order and time: a contact's lines are delivered one after another, in file order, and the
 * simulator mirrors each just before its delivery. When a line starts a resume-chat execution,
 * the line that ends that contact (its DISCONNECTED or COMPLETED) waits until the execution has
 * finished: in real time chatline answers a return within seconds while the new chat lasts
 * minutes, so a replay that let the chat's recorded end overtake the association would report
 * a race the recording never had. Lines of other contacts, and the contact's other lines, go on.
 */
import type { EventEnvelope } from '../local/bus';
import type { LocalStack } from '../local/stack';
import type { LineOutcome } from './replay-delivery';
import { ContactOrderedDelivery } from './replay-delivery';
import type { SourceLine } from './replay-lines';
import { textLines } from './replay-lines';
import type { ReplayProgress } from './replay-progress';
import type { FailedExecution, LineCounts, ReplayReport } from './replay-report';
import { buildReport, LIST_LIMIT } from './replay-report';
import { screenLine } from './replay-screen';

export type { ReplayReport } from './replay-report';

export interface ReplayOptions {
  /** Called as lines are read and finished (the CLI draws its progress bar with it). */
  readonly progress?: (p: ReplayProgress) => void;
  /** The file's size in bytes, for the progress bar's share and ETA (0: unknown). */
  readonly totalBytes?: number;
  /** Stops the replay between lines (the CLI's shutdown signal); what is in flight is journaled. */
  readonly signal?: AbortSignal;
  /** Lines delivered and not yet finished, at most (default 512). */
  readonly maxInFlight?: number;
}

/**
 * `signal` (the CLI's shutdown signal) stops the replay between lines: delivery stops, and the
 * stack's close journals what is in flight. The lines are not in the bus inbox (they are routed,
 * not put), so running the same replay again on the same --db finishes the job; the events
 * already recorded then count as duplicates.
 */
export async function replayStream(stack: LocalStack, lines: AsyncIterable<SourceLine>, options: ReplayOptions = {}): Promise<ReplayReport> {
  const startedAt = Date.now();
  const counts: LineCounts = { received: 0, accepted: 0, duplicates: 0, ignored: 0, rejected: 0, failed: 0 };
  const rejected: { line: number; reason: string }[] = [];
  const ignored = new Map<string, { reason: string; lines: number; firstLine: number }>();
  const failedContactEvents: FailedExecution[] = [];
  const maxInFlight = options.maxInFlight ?? 512;
  let inFlight = 0;
  let finished = 0;
  let bytesRead = 0;
  let room: (() => void) | undefined;
  const delivery = new ContactOrderedDelivery(stack);

  const report = (): void =>
    options.progress?.({ lines: counts.received, done: finished, bytesRead, totalBytes: options.totalBytes ?? 0, elapsedMs: Date.now() - startedAt });
  const reject = async (line: number, reason: string, raw: string): Promise<void> => {
    counts.rejected++;
    if (rejected.length < LIST_LIMIT) rejected.push({ line, reason });
    await stack.store.putRejected({ receivedAt: new Date().toISOString(), reason, event: raw, origin: `replay line ${line}` });
  };

  const settle = async (line: number, raw: string, outcome: LineOutcome): Promise<void> => {
    switch (outcome.kind) {
      case 'accepted':
        counts.accepted++;
        return;
      case 'duplicate':
        counts.duplicates++;
        return;
      case 'rejected':
        if (!outcome.kept) return reject(line, outcome.reason, raw);
        counts.rejected++;
        if (rejected.length < LIST_LIMIT) rejected.push({ line, reason: outcome.reason });
        return;
      case 'failed':
        counts.failed++;
        if (failedContactEvents.length < LIST_LIMIT) failedContactEvents.push(outcome.failure);
    }
  };

  const start = (line: number, raw: string, event: EventEnvelope, contactId: string): void => {
    inFlight++;
    void delivery
      .deliver(line, event, contactId)
      .then((outcome) => settle(line, raw, outcome))
      .finally(() => {
        inFlight--;
        finished++;
        room?.();
        report();
      });
  };

  for await (const source of lines) {
    options.signal?.throwIfAborted();
    counts.received++;
    bytesRead = source.bytesRead;
    if ('problem' in source) {
      await reject(source.line, source.problem, source.sample);
      finished++;
    } else {
      const screened = screenLine(source.text, (event) => stack.bus.matchingRules(event));
      if (screened.kind === 'rejected') {
        await reject(source.line, screened.reason, source.text);
        finished++;
      } else if (screened.kind === 'ignored') {
        counts.ignored++;
        finished++;
        const seen = ignored.get(screened.reason);
        if (seen) seen.lines++;
        else if (ignored.size < LIST_LIMIT) ignored.set(screened.reason, { reason: screened.reason, lines: 1, firstLine: source.line });
      } else {
        start(source.line, source.text, screened.event, screened.contactId);
      }
    }
    report();
    while (inFlight >= maxInFlight) {
      await new Promise<void>((resolve) => (room = resolve));
      room = undefined;
    }
  }
  while (inFlight > 0) {
    options.signal?.throwIfAborted();
    await new Promise<void>((resolve) => (room = resolve));
    room = undefined;
  }
  await stack.waitForIdle();
  return buildReport(stack, { counts, rejected, ignored: [...ignored.values()], failedContactEvents, startedAt });
}

/** Replays lines held in memory (tests and small inputs). */
export function replayLines(stack: LocalStack, text: string, options: ReplayOptions = {}): Promise<ReplayReport> {
  return replayStream(stack, textLines(text), options);
}
