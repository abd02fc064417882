/**
 * `chatline redrive`: redrives failed (and stuck) resumptions through the ops query layer's
 * redrive (RedriveExecution: the execution continues from the state that failed, with its input,
 * so the Connect call carries the same stored ClientToken: a call that had committed is answered,
 * never made twice). `--dry-run` lists what would be redriven; otherwise it asks (on a terminal)
 * or wants `--yes`. Exit 1 if any selected resumption could not be redriven.
 */
import { createInterface } from 'node:readline/promises';
import { Command, InvalidArgumentError } from 'commander';
import type { ResumptionStatus } from '../core/ledger';
import { classifyFailure, FAILURE_KEYS } from '../ops/failures';
import type { OpsQuery, RedriveResult, ResumptionRow } from '../ops/query';
import { EXIT } from './exit-codes';
import { since, statuses, withOps, withSourceOptions, writeOut } from './ops-source';
import type { SourceOptions } from './ops-source';
import { table } from './output';
import { UsageError } from './preflight';
import { short } from './resumptions';

interface RedriveOptions extends SourceOptions {
  readonly status: ResumptionStatus[];
  readonly since?: string;
  readonly reason?: string;
  readonly dryRun?: boolean;
  readonly yes?: boolean;
}

/** FAILED: ledger FAILED or an execution that ended badly; PLANNED: planned too long (stuck). */
const redriveStatus = (value: string, previous?: ResumptionStatus[]): ResumptionStatus[] => {
  const out = statuses(value, previous);
  const wrong = out.filter((s) => s !== 'FAILED' && s !== 'PLANNED');
  if (wrong.length > 0) throw new InvalidArgumentError(`must be FAILED or PLANNED (stuck): ${wrong.join(', ')} cannot be redriven`);
  return out;
};

export interface RedriveReport {
  readonly dryRun: boolean;
  readonly selected: number;
  readonly redriven: number;
  readonly notRedrivable: number;
  readonly results: (RedriveResult & { readonly outcome: ResumptionStatus; readonly reason?: string })[];
}

export function redriveCommand(): Command {
  return withSourceOptions(
    new Command('redrive')
      .description('redrive failed (or stuck) resumptions with their stored ClientToken, so each return is still associated at most once')
      .option('--status <S>', 'which: FAILED (ledger FAILED or execution failed) and/or PLANNED (stuck); default FAILED', redriveStatus)
      .option('--since <ISO|duration>', 'only returns created at or after this instant, or this long ago (30s, 15m, 2h, 7d)', since())
      .option('--reason <text>', `only failures of this kind (${FAILURE_KEYS.join(', ')}) or whose reason contains this text`)
      .option('--dry-run', 'list what would be redriven, and how many; change nothing')
      .option('--yes', 'redrive without asking (needed when stdin is not a terminal)'),
  ).action(async (opts: RedriveOptions) => {
    await withOps(opts, async (ops) => {
      const selected = await select(ops, opts);
      const contacts = selected.map((r) => ({ instanceId: r.instanceId, contactId: r.contactId }));
      const preview = await ops.redrive({ contacts, dryRun: true });
      const willRedrive = preview.filter((r) => r.result === 'would redrive').length;
      if (!opts.dryRun && willRedrive > 0 && !opts.yes && !(await confirm(willRedrive))) {
        if (!process.stdin.isTTY) throw new UsageError(`${willRedrive} resumption${willRedrive === 1 ? '' : 's'} would be redriven: pass --yes to redrive them, or --dry-run to list them`);
        process.stderr.write('chatline redrive: nothing redriven\n');
        process.exitCode = EXIT.ok;
        return;
      }
      const results = opts.dryRun || willRedrive === 0 ? preview : await ops.redrive({ contacts });
      const report = reportOf(Boolean(opts.dryRun), selected, results);
      writeOut(opts.json ? JSON.stringify(report) : formatRedrive(report));
      process.exitCode = !report.dryRun && report.notRedrivable > 0 ? EXIT.notAsExpected : EXIT.ok;
    });
  });
}

async function select(ops: OpsQuery, opts: RedriveOptions): Promise<ResumptionRow[]> {
  const wanted = opts.status ?? ['FAILED'];
  const failures = await ops.failures(opts.since !== undefined ? { since: opts.since } : {});
  const reason = opts.reason;
  return failures.groups
    .flatMap((g) => g.items)
    .filter((r) => wanted.includes(r.outcome))
    .filter((r) => reason === undefined || classifyFailure(r.reason).key === reason || (r.reason ?? '').includes(reason));
}

/** On a terminal: asks, showing how many. Elsewhere: false (the caller then wants --yes). */
async function confirm(count: number): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`Redrive ${count} resumption${count === 1 ? '' : 's'} (same ClientToken each)? [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

function reportOf(dryRun: boolean, selected: readonly ResumptionRow[], results: readonly RedriveResult[]): RedriveReport {
  const byContact = new Map(selected.map((r) => [`${r.instanceId}/${r.contactId}`, r]));
  const joined = results.map((x) => {
    const row = byContact.get(`${x.instanceId}/${x.contactId}`);
    return { ...x, outcome: row?.outcome ?? 'FAILED', ...(row?.reason !== undefined ? { reason: row.reason } : {}) };
  });
  return {
    dryRun,
    selected: selected.length,
    redriven: joined.filter((r) => r.result === 'redriven').length,
    notRedrivable: joined.filter((r) => r.result === 'not redrivable').length,
    results: joined,
  };
}

export function formatRedrive(r: RedriveReport): string {
  if (r.selected === 0) return 'nothing to redrive: no failed or stuck resumption matches';
  const rows = r.results.map((x) => [x.contactId, x.outcome, x.result, x.clientToken, short(x.reason, 50), short(x.detail, 60)]);
  const would = r.results.filter((x) => x.result === 'would redrive').length;
  const summary = r.dryRun
    ? `dry run: ${would} of ${r.selected} would be redriven${r.notRedrivable > 0 ? `, ${r.notRedrivable} cannot be` : ''}; nothing changed`
    : `${r.redriven} of ${r.selected} redriven${r.notRedrivable > 0 ? `, ${r.notRedrivable} NOT redriven` : ''} (each with its stored ClientToken)`;
  return `${table(['contact', 'outcome', 'result', 'ClientToken', 'reason', 'detail'], rows)}\n${summary}`;
}
