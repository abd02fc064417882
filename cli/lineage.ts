/**
 * `chatline lineage <contactId|customerId>`: a customer's sessions oldest first, each session's
 * segments in chain order (C1 → transfer C2 → survey C3), the continuation edges between
 * sessions, and for each return what the new chat shows and hides, its plan and its outcome
 * (joined with its resume-chat execution, so a PLANNED record whose execution failed is FAILED).
 * A contact id of any segment finds its customer. Exit 1 when nothing matches.
 */
import { Command } from 'commander';
import type { CustomerView, OpsQuery, ResumptionRow } from '../ops/query';
import type { SessionRow } from '../ops/timeline';
import { EXIT } from './exit-codes';
import { withOps, withSourceOptions, writeOut } from './ops-source';
import type { SourceOptions } from './ops-source';
import { short } from './resumptions';

export interface Lineage extends CustomerView {
  /** The resumption row of each return, by its contact id (outcome, reason, execution). */
  readonly outcomes: Record<string, Pick<ResumptionRow, 'outcome' | 'reason' | 'attempts'> & { readonly execution?: string }>;
}

export function lineageCommand(): Command {
  return withSourceOptions(
    new Command('lineage')
      .description("a customer's sessions and segments, the continuation edges between them, and each return's plan and outcome")
      .argument('<contactId|customerId>', 'a customer id, or the contact id of any segment of any of their sessions'),
  ).action(async (term: string, opts: SourceOptions) => {
    await withOps(opts, async (ops) => {
      const customerId = await customerOf(ops, term);
      if (customerId === undefined) {
        process.stderr.write(`chatline lineage: no customer and no segment with a customer id matches "${term}"\n`);
        process.exitCode = EXIT.notAsExpected;
        return;
      }
      const lineage = await lineageOf(ops, customerId);
      writeOut(opts.json ? JSON.stringify(lineage) : formatLineage(lineage, term));
      process.exitCode = EXIT.ok;
    });
  });
}

async function customerOf(ops: OpsQuery, term: string): Promise<string | undefined> {
  for (const hit of await ops.search(term)) {
    if (hit.kind === 'customer') return hit.customerId;
    if (hit.customerId !== undefined) return hit.customerId;
  }
  return undefined;
}

export async function lineageOf(ops: OpsQuery, customerId: string): Promise<Lineage> {
  const view = await ops.customer(customerId);
  const outcomes: Lineage['outcomes'] = {};
  for (let cursor: string | undefined, first = true; first || cursor; first = false) {
    const page = await ops.resumptions({ customerId, limit: 1000, ...(cursor ? { cursor } : {}) });
    for (const r of page.items) {
      outcomes[r.contactId] = { outcome: r.outcome, attempts: r.attempts, ...(r.reason !== undefined ? { reason: r.reason } : {}), ...(r.execution ? { execution: r.execution.status } : {}) };
    }
    cursor = page.next;
  }
  return { ...view, outcomes };
}

export function formatLineage(l: Lineage, term: string): string {
  const returns = l.sessions.filter((s) => s.return).length;
  const lines = [`customer ${l.customerId}: ${l.sessions.length} session${l.sessions.length === 1 ? '' : 's'}, ${returns} return${returns === 1 ? '' : 's'}`];
  for (const s of l.sessions) lines.push('', ...sessionLines(s, l, term));
  if (l.edges.length > 0) {
    lines.push('', 'continuation edges:');
    for (const e of l.edges) lines.push(`  ${e.fromContactId} (session ${e.fromSessionId}) → ${e.toContactId}  [${e.state}]`);
  }
  return lines.join('\n');
}

function sessionLines(s: SessionRow, l: Lineage, term: string): string[] {
  const span = `${s.startedAt ?? '?'} → ${s.endedAt ?? 'active'}`;
  const out = [`session ${s.sessionId}  ${span}${s.continuedFrom ? `  continues ${s.continuedFrom}` : ''}`];
  out.push(`  ${s.segments.map((g) => `${g.contactId === term ? '*' : ''}${g.contactId} (${g.kind}${g.agent ? `, ${g.agent}` : ''}${g.disconnectedAt ? '' : ', active'})`).join(' → ')}`);
  const r = s.return;
  if (r) {
    const o = l.outcomes[r.contactId];
    const outcome = o ? (o.outcome === r.status ? o.outcome : `${o.outcome} (ledger ${r.status})`) : r.status;
    out.push(`  return via ${r.via ?? '?'}: ${outcome}${o ? `, ${o.attempts} attempt${o.attempts === 1 ? '' : 's'}` : ''}${o?.execution ? `, execution ${o.execution}` : ''}`);
    if (r.plan) {
      out.push(`    plan: ${r.plan.policy} (${r.plan.rehydrationType}) from ${r.plan.sourceContactId} of session ${r.plan.pastSessionId}, ClientToken ${r.plan.clientToken}`);
      out.push(`    shows ${r.shown.join(', ') || 'nothing'}; hides ${r.hidden.join(', ') || 'nothing'}`);
    }
    if (r.continuedFromContactId) out.push(`    continued from ${r.continuedFromContactId}`);
    const reason = o?.reason ?? r.reason;
    if (reason) out.push(`    reason: ${short(reason, 160) ?? ''}`);
  }
  return out;
}
