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
import { CONNECT_EVENT_SOURCE } from '../core/constants';
import type { EventEnvelope, TargetOutcome } from '../local/bus';
import type { LocalStack } from '../local/stack';
import type { Execution } from '../local/sfn/runner';
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

/** What the delivery of one line came to. */
type LineOutcome =
  | { kind: 'accepted' | 'duplicate' }
  /** `kept`: already in the rejected store (RecordContactEvent keeps what it rejects). */
  | { kind: 'rejected'; reason: string; kept?: boolean }
  | { kind: 'failed'; failure: FailedExecution };

/** The output of a contact-events execution: RecordContactEvent's result (a return names its resume-chat execution). */
interface ContactEventsOutput {
  outcome?: string;
  resume?: { name?: string } | { name?: string }[];
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
  /** Per contact: the end of its last line's delivery (its next line starts after it). */
  const tails = new Map<string, Promise<void>>();

  const report = (): void =>
    options.progress?.({ lines: counts.received, done: finished, bytesRead, totalBytes: options.totalBytes ?? 0, elapsedMs: Date.now() - startedAt });
  const reject = async (line: number, reason: string, raw: string): Promise<void> => {
    counts.rejected++;
    if (rejected.length < LIST_LIMIT) rejected.push({ line, reason });
    await stack.store.putRejected({ receivedAt: new Date().toISOString(), reason, event: raw, origin: `replay line ${line}` });
  };

  /** Per contact: the resume-chat executions its lines started that are still running. */
  const resuming = new Map<string, Promise<unknown>>();

  const deliverLine = async (line: number, event: EventEnvelope, contactId: string): Promise<LineOutcome> => {
    if (endsContact(event)) await resuming.get(contactId);
    if (event.source === CONNECT_EVENT_SOURCE) {
      try {
        stack.simulator.mirror(event);
      } catch (err) {
        return { kind: 'rejected', reason: `the Connect simulator cannot mirror it: ${(err as Error).message}` };
      }
    }
    const outcomes = await stack.bus.deliver(event).done;
    const outcome = outcomes[0];
    if (!outcome) return { kind: 'rejected', reason: 'no rule matched it at delivery' };
    const { result, resumes } = lineOutcome(line, event, outcome);
    if (resumes.length > 0) {
      const arn = (name: string): string => `${stack.arns.resumeChat.replace(':stateMachine:', ':execution:')}:${name}`;
      const done = Promise.all([resuming.get(contactId), ...resumes.map((name) => stack.sfn.waitFor(arn(name)).catch(() => undefined))]);
      resuming.set(contactId, done);
      void done.then(() => resuming.get(contactId) === done && resuming.delete(contactId));
    }
    return result;
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
    const previous = tails.get(contactId);
    const run = (previous ?? Promise.resolve())
      .then(() => deliverLine(line, event, contactId))
      .catch((err: unknown): LineOutcome => ({ kind: 'failed', failure: { workflow: 'contact-events', line, status: 'FAILED', error: (err as Error).name, cause: (err as Error).message } }))
      .then((outcome) => settle(line, raw, outcome))
      .finally(() => {
        if (tails.get(contactId) === run) tails.delete(contactId);
        inFlight--;
        finished++;
        room?.();
        report();
      });
    tails.set(contactId, run);
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

function lineOutcome(line: number, event: EventEnvelope, outcome: TargetOutcome): { result: LineOutcome; resumes: string[] } {
  const contactId = (event.detail as { contactId?: string }).contactId;
  const failed = (status: string, error: string, cause: string): { result: LineOutcome; resumes: string[] } => ({
    result: { kind: 'failed', failure: { workflow: 'contact-events', line, ...(contactId ? { contactId } : {}), status, error, cause } },
    resumes: [],
  });
  if ('deadLettered' in outcome) return failed('DEAD_LETTERED', 'DeadLetter', outcome.deadLettered);
  if ('suspended' in outcome) return failed('SUSPENDED', 'Suspended', 'the stack stopped before the event was recorded');
  const execution = outcome.result as Execution;
  if (execution.status === 'SUCCEEDED') {
    const output = JSON.parse(execution.output ?? '{}') as ContactEventsOutput;
    const resumes = (Array.isArray(output.resume) ? output.resume : output.resume ? [output.resume] : []).flatMap((r) => (r.name ? [r.name] : []));
    return { result: { kind: output.outcome === 'duplicate' ? 'duplicate' : 'accepted' }, resumes };
  }
  // RecordContactEvent rejected it, and kept it in the rejected store itself.
  if (execution.error === 'InvalidEventError') return { result: { kind: 'rejected', reason: execution.cause ?? 'InvalidEventError', kept: true }, resumes: [] };
  return failed(execution.status, execution.error ?? '', execution.cause ?? '');
}

/** Whether the event ends its contact (after it, Connect no longer takes an association for it). */
function endsContact(event: EventEnvelope): boolean {
  const d = event.detail as { eventType?: unknown; disconnectTimestamp?: unknown };
  return d.eventType === 'DISCONNECTED' || d.eventType === 'COMPLETED' || d.disconnectTimestamp !== undefined;
}
