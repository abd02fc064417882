/**
 * `chatline resumptions`: what happened to each return, newest first, a page at a time (the
 * store's paged query, so a list of 100k records costs one page), with the true total.
 * Exit 1 when `--status FAILED` was asked and some matched (an alert can run it), else 0.
 */
import { Command } from 'commander';
import type { ResumptionStatus } from '../core/ledger';
import type { ResumptionList, ResumptionRow } from '../ops/query';
import { RESUMPTION_STATUSES } from '../ops/query';
import { EXIT } from './exit-codes';
import { pageLimit, since, statuses, withOps, withSourceOptions, writeOut } from './ops-source';
import type { SourceOptions } from './ops-source';
import { table } from './output';

interface ResumptionsOptions extends SourceOptions {
  readonly status?: ResumptionStatus[];
  readonly since?: string;
  readonly customer?: string;
  readonly limit: number;
  readonly cursor?: string;
}

export function resumptionsCommand(): Command {
  return withSourceOptions(
    new Command('resumptions')
      .description('list resumptions (what happened to each return), newest first, a page at a time, with the total')
      .option('--status <S>', 'only these outcomes: PLANNED, ASSOCIATED, FAILED, SKIPPED (comma-separated or repeated); FAILED includes a PLANNED return whose execution failed', statuses)
      .option('--since <ISO|duration>', 'only returns created at or after this instant, or this long ago (30s, 15m, 2h, 7d)', since())
      .option('--customer <id>', "only this customer's returns")
      .option('--limit <n>', 'rows a page, 1-1000', pageLimit, 50)
      .option('--cursor <token>', 'the next page (printed under the table)'),
  ).action(async (opts: ResumptionsOptions) => {
    await withOps(opts, async (ops) => {
      const list = await ops.resumptions({
        limit: opts.limit,
        ...(opts.status ? { statuses: opts.status } : {}),
        ...(opts.since !== undefined ? { since: opts.since } : {}),
        ...(opts.customer !== undefined ? { customerId: opts.customer } : {}),
        ...(opts.cursor !== undefined ? { cursor: opts.cursor } : {}),
      });
      writeOut(opts.json ? JSON.stringify(list) : formatResumptions(list));
      process.exitCode = opts.status?.includes('FAILED') && list.total > 0 ? EXIT.notAsExpected : EXIT.ok;
    });
  });
}

export function formatResumptions(list: ResumptionList): string {
  if (list.total === 0) return 'no resumptions match';
  const rows = list.items.map((r) => [
    r.createdAt,
    r.contactId,
    outcomeOf(r),
    r.via,
    r.plan ? `${r.plan.policy} (${r.plan.rehydrationType})` : undefined,
    r.plan?.sourceContactId,
    r.attempts,
    r.execution?.status,
    short(r.reason, 60),
  ]);
  const head = ['created', 'contact', 'outcome', 'via', 'policy (rehydration)', 'source', 'attempts', 'execution', 'reason'];
  const shown = `${list.items.length} of ${list.total}${list.next ? ` (next page: --cursor ${list.next})` : ''}`;
  return `${table(head, rows)}\n${shown}; ${countsLine(list.items)}`;
}

/** The outcome, with the ledger's status when they differ (PLANNED whose execution failed). */
export const outcomeOf = (r: ResumptionRow): string => (r.outcome === r.status ? r.outcome : `${r.outcome} (ledger ${r.status})`);

function countsLine(items: readonly ResumptionRow[]): string {
  const counts = RESUMPTION_STATUSES.map((s) => [s, items.filter((r) => r.outcome === s).length] as const).filter(([, n]) => n > 0);
  return `this page: ${counts.map(([k, n]) => `${n} ${k}`).join(', ')}`;
}

export const short = (text: string | undefined, max: number): string | undefined =>
  text === undefined || text.length <= max ? text : `${text.slice(0, max - 1)}…`;
