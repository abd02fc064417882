/**
 * How a replay delivers its events (see cli/replay.ts for why): a contact's lines one after
 * another in file order, the simulator mirroring each just before its delivery, and the line that
 * ends a contact waiting for the resume-chat executions that contact's earlier lines started.
 * Lines of different contacts run side by side. Each delivery resolves with what became of it.
 */
import { CONNECT_EVENT_SOURCE } from '../core/constants';
import type { EventEnvelope, TargetOutcome } from '../local/bus';
import type { Execution } from '../local/sfn/runner';
import type { LocalStack } from '../local/stack';
import type { FailedExecution } from './replay-report';

/** What the delivery of one line came to. */
export type LineOutcome =
  | { kind: 'accepted' | 'duplicate' }
  /** `kept`: already in the rejected store (RecordContactEvent keeps what it rejects). */
  | { kind: 'rejected'; reason: string; kept?: boolean }
  | { kind: 'failed'; failure: FailedExecution };

/** The output of a contact-events execution: RecordContactEvent's result (each return it reveals names its resume-chat execution). */
interface ContactEventsOutput {
  outcome?: string;
  resumes?: { name?: string }[];
}

export class ContactOrderedDelivery {
  /** Per contact: the end of its last line's delivery (its next line starts after it). */
  private readonly tails = new Map<string, Promise<LineOutcome>>();
  /** Per contact: the resume-chat executions its lines started that are still running. */
  private readonly resuming = new Map<string, Promise<unknown>>();

  constructor(private readonly stack: LocalStack) {}

  /** Delivers `event` after the contact's earlier lines; never rejects. */
  deliver(line: number, event: EventEnvelope, contactId: string): Promise<LineOutcome> {
    const run = (this.tails.get(contactId) ?? Promise.resolve<unknown>(undefined))
      .then(() => this.deliverNow(line, event, contactId))
      .catch((err: unknown): LineOutcome => ({ kind: 'failed', failure: { workflow: 'contact-events', line, status: 'FAILED', error: (err as Error).name, cause: (err as Error).message } }));
    this.tails.set(contactId, run);
    void run.then(() => this.tails.get(contactId) === run && this.tails.delete(contactId));
    return run;
  }

  private async deliverNow(line: number, event: EventEnvelope, contactId: string): Promise<LineOutcome> {
    const { stack } = this;
    if (endsContact(event)) await this.resuming.get(contactId);
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
      const done = Promise.all([this.resuming.get(contactId), ...resumes.map((name) => stack.sfn.waitFor(arn(name)).catch(() => undefined))]);
      this.resuming.set(contactId, done);
      void done.then(() => this.resuming.get(contactId) === done && this.resuming.delete(contactId));
    }
    return result;
  }
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
    const resumes = (output.resumes ?? []).flatMap((r) => (r.name ? [r.name] : []));
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
