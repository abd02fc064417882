/**
 * The replay report: what became of every line, every return and every failed execution, read
 * back from the store and the engine once the replay is idle. It tells the truth: a return is
 * shown with the state it ended in, joined with its resume-chat execution, so a return whose
 * execution failed shows FAILED with the execution's error, never PLANNED with a blank reason.
 *
 * Lists a person cannot read at a million lines are bounded (LIST_LIMIT rows, with the full
 * counts beside them); the returns are all listed in --json, and in the table all but the
 * ASSOCIATED ones once there are more than TABLE_OK_ROWS of those.
 */
import { resumeExecutionName } from '../core/identifiers';
import type { Resumption } from '../core/ledger';
import type { Segment } from '../core/lineage';
import type { SessionView } from '../core/lineage-view';
import { sessionsOf } from '../core/lineage-view';
import type { LocalStack } from '../local/stack';
import type { Execution } from '../local/sfn/runner';
import { table } from './output';

/** Rows kept per list (rejected lines, ignored reasons, failed executions). */
export const LIST_LIMIT = 1000;
/** Sessions listed in the report at most (beyond that only counted). */
export const SESSION_LIST_LIMIT = 200;
/** ASSOCIATED returns printed in the table at most (--json lists them all). */
const TABLE_OK_ROWS = 100;

/** Every line read is exactly one of these. */
export interface LineCounts {
  received: number;
  /** Recorded by RecordContactEvent. */
  accepted: number;
  /** Already recorded (earlier in the file, or in the --db by an earlier run). */
  duplicates: number;
  /** Well-formed events no chatline rule matches (the bus ignores them, as EventBridge would). */
  ignored: number;
  /** Unreadable or invalid: kept in the rejected-event store with the reason. */
  rejected: number;
  /** Delivered, but the contact-events execution did not succeed (see failedExecutions). */
  failed: number;
}

export interface FailedExecution {
  readonly workflow: 'contact-events' | 'resume-chat';
  readonly status: string;
  readonly error: string;
  readonly cause: string;
  readonly contactId?: string;
  /** The replay line (contact-events: its executions are Express, which keep no record). */
  readonly line?: number;
  readonly executionArn?: string;
}

export interface ReturnRow {
  readonly instanceId: string;
  readonly contactId: string;
  /** The state the return ended in: the ledger's, or FAILED when its execution failed first. */
  readonly status: string;
  readonly reason?: string;
  readonly rehydrationType?: string;
  readonly sourceContactId?: string;
  readonly continuedFromContactId?: string;
  readonly clientToken?: string;
  readonly attempts: number;
  /** The resume-chat execution's status (absent when there is none). */
  readonly execution?: string;
}

export interface ReplayReport {
  readonly events: LineCounts;
  /** The rejected lines, the first LIST_LIMIT (every one is in the rejected-event store). */
  readonly rejected: { line: number; reason: string }[];
  /** Why lines were ignored, one row per reason. */
  readonly ignored: { reason: string; lines: number; firstLine: number }[];
  readonly lineage: { readonly sessions: number; readonly segments: number };
  /** The sessions, when there are at most SESSION_LIST_LIMIT. */
  readonly sessions?: SessionView[];
  /** Returns per final state. */
  readonly returns: Record<string, number>;
  /** Every return in the database, with its final state and reason. */
  readonly resumptions: ReturnRow[];
  /** Failed executions of either workflow (the first LIST_LIMIT of each), and how many in all. */
  readonly failedExecutions: FailedExecution[];
  readonly failedExecutionCount: number;
  /**
   * What the built-in Connect simulator committed in this run: persistent-chat associations, and
   * contacts associated more than once (exactly once means 0; each is also a problem).
   */
  readonly connect: { readonly associations: number; readonly contactsAssociatedTwice: number };
  /** Why the replay is not as expected (exit 1); empty when it is. */
  readonly problems: string[];
  readonly seconds: number;
}

const UNSUCCESSFUL = ['FAILED', 'TIMED_OUT', 'ABORTED'] as const;

export async function buildReport(
  stack: LocalStack,
  run: { counts: LineCounts; rejected: ReplayReport['rejected']; ignored: ReplayReport['ignored']; failedContactEvents: FailedExecution[]; startedAt: number },
): Promise<ReplayReport> {
  const { lineage, sessions } = walkLineage(stack);
  const failedResumeChat: FailedExecution[] = [];
  let failedResumeChatCount = 0;
  const failedByContact = new Map<string, FailedExecution & { instanceId: string }>();
  for (const status of UNSUCCESSFUL) {
    for (let after: [number, string] | undefined; ; ) {
      const page = stack.sfn.listExecutions({ stateMachineArn: stack.arns.resumeChat, status, limit: 500, ...(after ? { after } : {}) });
      for (const e of page) {
        failedResumeChatCount++;
        const input = safeJson(e.input) as { instanceId?: string; contactId?: string };
        const failure: FailedExecution = { workflow: 'resume-chat', status: e.status, error: e.error ?? '', cause: e.cause ?? '', executionArn: e.executionArn, ...(input.contactId ? { contactId: input.contactId } : {}) };
        if (failedResumeChat.length < LIST_LIMIT) failedResumeChat.push(failure);
        if (input.contactId && input.instanceId) failedByContact.set(`${input.instanceId}/${input.contactId}`, { ...failure, instanceId: input.instanceId });
      }
      if (page.length < 500) break;
      const last = page[page.length - 1] as Execution;
      after = [last.startDate.getTime(), last.executionArn];
    }
  }

  const resumptions: ReturnRow[] = [];
  const seen = new Set<string>();
  for (const r of await stack.store.listResumptions()) {
    seen.add(`${r.instanceId}/${r.contactId}`);
    resumptions.push(returnRow(r, stack.sfn.describeExecution(executionArnOf(stack, r.instanceId, r.contactId))));
  }
  // A return whose execution failed before anything was written to the ledger.
  for (const [key, f] of failedByContact) {
    if (seen.has(key)) continue;
    resumptions.push({ instanceId: f.instanceId, contactId: f.contactId ?? '', status: 'FAILED', reason: executionReason(f), attempts: 0, execution: f.status });
  }
  const returns: Record<string, number> = {};
  for (const r of resumptions) returns[r.status] = (returns[r.status] ?? 0) + 1;

  const failedExecutions = [...run.failedContactEvents, ...failedResumeChat];
  const sim = stack.simulator.stats();
  const connect = { associations: sim.associations, contactsAssociatedTwice: Object.values(sim.associationsByContact).filter((n) => n > 1).length };
  const problems: string[] = [];
  const c = run.counts;
  if (c.rejected > 0) problems.push(`${c.rejected} line${s(c.rejected)} rejected`);
  if (c.failed > 0) problems.push(`${c.failed} line${s(c.failed)} whose contact-events execution failed`);
  const unfinished = resumptions.filter((r) => !(r.status === 'ASSOCIATED' || (r.status === 'SKIPPED' && r.reason)));
  if (unfinished.length > 0) problems.push(`${unfinished.length} return${s(unfinished.length)} not ASSOCIATED nor SKIPPED with a reason`);
  if (failedResumeChatCount > 0) problems.push(`${failedResumeChatCount} failed resume-chat execution${s(failedResumeChatCount)}`);
  if (connect.contactsAssociatedTwice > 0) problems.push(`${connect.contactsAssociatedTwice} contact${s(connect.contactsAssociatedTwice)} associated more than once`);
  return {
    events: { ...c },
    rejected: run.rejected,
    ignored: run.ignored,
    lineage,
    ...(sessions ? { sessions } : {}),
    returns,
    resumptions,
    failedExecutions,
    failedExecutionCount: c.failed + failedResumeChatCount,
    connect,
    problems,
    seconds: Number(((Date.now() - run.startedAt) / 1000).toFixed(3)),
  };
}

/** 0 when every line was taken and every return ended ASSOCIATED or SKIPPED with a reason, else 1. */
export function replayIsAsExpected(report: ReplayReport): boolean {
  return report.problems.length === 0;
}

function s(n: number): string {
  return n === 1 ? '' : 's';
}

function executionArnOf(stack: LocalStack, instanceId: string, contactId: string): string {
  return `${stack.arns.resumeChat.replace(':stateMachine:', ':execution:')}:${resumeExecutionName(instanceId, contactId)}`;
}

function executionReason(e: { status: string; error?: string; cause?: string }): string {
  return `resume-chat ${e.status}${e.error ? `: ${e.error}` : ''}${e.cause ? `: ${e.cause}` : ''}`;
}

/** A return as it ended: the ledger's word, unless the execution failed before the ledger heard of it. */
function returnRow(r: Resumption, execution: Execution | undefined): ReturnRow {
  const base = {
    instanceId: r.instanceId,
    contactId: r.contactId,
    ...(r.plan ? { rehydrationType: r.plan.rehydrationType, sourceContactId: r.plan.sourceContactId, clientToken: r.plan.clientToken } : {}),
    ...(r.continuedFromContactId ? { continuedFromContactId: r.continuedFromContactId } : {}),
    attempts: r.attempts,
    ...(execution ? { execution: execution.status } : {}),
  };
  if (r.status === 'ASSOCIATED' || r.status === 'SKIPPED') return { ...base, status: r.status, ...(r.reason ? { reason: r.reason } : {}) };
  const failedExecution = execution && (UNSUCCESSFUL as readonly string[]).includes(execution.status) ? execution : undefined;
  if (r.status === 'FAILED') return { ...base, status: 'FAILED', reason: r.reason || (failedExecution ? executionReason(failedExecution) : 'FAILED without a reason') };
  // PLANNED: the ledger never heard the end.
  if (failedExecution) return { ...base, status: 'FAILED', reason: executionReason(failedExecution) };
  if (!execution) return { ...base, status: r.status, reason: 'no resume-chat execution found' };
  if (execution.status === 'RUNNING') return { ...base, status: r.status, reason: 'resume-chat still running' };
  return { ...base, status: r.status, reason: `resume-chat ${execution.status} but the ledger still says ${r.status}` };
}

/** Counts the lineage a page at a time; keeps the sessions only while they are few. */
function walkLineage(stack: LocalStack): { lineage: ReplayReport['lineage']; sessions?: SessionView[] } {
  let segments = 0;
  let sessions = 0;
  let lastSession: string | undefined;
  let kept: Segment[] | undefined = [];
  for (let after: { instanceId: string; sessionId: string; contactId: string } | undefined; ; ) {
    const page = stack.store.segmentsPage(after, 1000);
    for (const { segment, key } of page) {
      segments++;
      const sessionKey = `${key.instanceId}/${key.sessionId}`;
      if (sessionKey !== lastSession) {
        sessions++;
        lastSession = sessionKey;
      }
      if (kept && sessions > SESSION_LIST_LIMIT) kept = undefined;
      kept?.push(segment);
      after = key;
    }
    if (page.length < 1000) break;
  }
  return { lineage: { sessions, segments }, ...(kept ? { sessions: sessionsOf(kept) } : {}) };
}

function safeJson(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The report for people: counts first, then what needs a look, then the verdict. */
export function formatReport(report: ReplayReport): string {
  const e = report.events;
  const out: string[] = [];
  out.push(`events: ${e.received} received, ${e.accepted} accepted, ${e.duplicates} duplicates, ${e.ignored} ignored, ${e.rejected} rejected, ${e.failed} failed (${report.seconds} s)`);
  if (report.rejected.length > 0) {
    const more = e.rejected > report.rejected.length ? ` (the first ${report.rejected.length} of ${e.rejected}; all are in the rejected-event store)` : '';
    out.push(`rejected lines${more}:`, table(['line', 'rejected because'], report.rejected.map((r) => [r.line, r.reason])));
  }
  if (report.ignored.length > 0) out.push('ignored lines (no chatline rule matches them):', table(['reason', 'lines', 'first line'], report.ignored.map((i) => [i.reason, i.lines, i.firstLine])));
  out.push(`lineage: ${report.lineage.sessions} sessions, ${report.lineage.segments} segments`);
  if (report.sessions && report.sessions.length > 0) {
    out.push(table(['session', 'customer', 'segments (kind)', 'continued from'], report.sessions.map((x) => [x.initialContactId, x.customerId, x.segments.map((g) => `${g.contactId} (${g.kind})`).join(' → '), x.continuedFrom])));
  }
  const byStatus = Object.entries(report.returns).map(([k, n]) => `${n} ${k}`).join(', ');
  out.push(`returns: ${report.resumptions.length}${byStatus ? ` (${byStatus})` : ''}; Connect associations: ${report.connect.associations} (${report.connect.contactsAssociatedTwice} contacts associated twice)`);
  const ok = report.resumptions.filter((r) => r.status === 'ASSOCIATED');
  const shown = ok.length > TABLE_OK_ROWS ? report.resumptions.filter((r) => r.status !== 'ASSOCIATED') : report.resumptions;
  if (ok.length > TABLE_OK_ROWS) out.push(`(${ok.length} ASSOCIATED returns not shown: --json lists every return)`);
  if (shown.length > 0) {
    out.push(
      table(
        ['contact', 'status', 'rehydration', 'source', 'continued from', 'attempts', 'reason'],
        shown.map((r) => [r.contactId, r.status, r.rehydrationType, r.sourceContactId, r.continuedFromContactId, r.attempts, r.reason]),
      ),
    );
  }
  if (report.failedExecutions.length > 0) {
    const more = report.failedExecutionCount > report.failedExecutions.length ? ` (the first ${report.failedExecutions.length} of ${report.failedExecutionCount})` : '';
    out.push(
      `failed executions${more}:`,
      table(['workflow', 'line', 'contact', 'status', 'error', 'cause'], report.failedExecutions.map((f) => [f.workflow, f.line, f.contactId, f.status, f.error, f.cause.slice(0, 200)])),
    );
  }
  out.push(report.problems.length === 0 ? 'As expected: every line taken, every return ASSOCIATED or SKIPPED with a reason.' : `NOT as expected: ${report.problems.join('; ')}.`);
  return `${out.join('\n')}\n`;
}
