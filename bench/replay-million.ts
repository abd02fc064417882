/**
 * A million generated contact events through `chatline replay`: simulator traffic (~10% of
 * sessions come back), transcript readiness and grace 0, the replay in its own process. Reports
 * wall time, events/s and the replay process's peak RSS (process.resourceUsage().maxRSS, written
 * by bench/report-rss.cjs), and checks the report's counts against the generator's: every event
 * accepted (none lost, none rejected), every session and segment in the lineage, every return
 * ASSOCIATED, and the simulator committing one association per return (none twice). Targets: peak RSS < 300 MB, counts equal.
 *
 * Then, on a file holding `--executions` finished Standard executions (1,000,000 by default,
 * written through the journal), it times the list answers a user waits for, over HTTP with the
 * real SDK client: ListExecutions' first page, a status-filtered page, the page after a
 * nextToken, and the dashboard's overview (target: each under 100 ms; measured, not asserted).
 *
 * `--node-flags` passes V8 flags to the replay process: its RSS is mostly V8 letting its heap grow
 * (live heap ~50 MB at 200k events, RSS ~310 MB; `--max-old-space-size=160` held it at 188 MB).
 *
 *   npx tsx bench/replay-million.ts [--events 1000000] [--executions 1000000] [--only replay|list] [--node-flags "--max-old-space-size=224"]
 */
import '../cli/quiet-warnings';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReplayReport } from '../cli/replay-report';
import { SqliteJournal } from '../local/store/sqlite-journal';
import { SqliteStore } from '../local/store/sqlite-store';
import { stateMachineArn, startLocalStack } from '../local/stack';
import { writeTraffic } from './generate-traffic';

const ROOT = join(__dirname, '..');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return (i >= 0 ? process.argv[i + 1] : undefined) ?? fallback;
}

function replay(file: string, db: string, nodeFlags: readonly string[]): Promise<{ stdout: string; stderr: string; code: number; seconds: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...nodeFlags, '--require', join(__dirname, 'report-rss.cjs'), join(ROOT, 'bin', 'chatline.cjs'), 'replay', file, '--db', db, '--grace', '0', '--json'],
      { maxBuffer: 1024 * 1024 * 1024, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
      (err, stdout, stderr) => resolve({ stdout, stderr, code: err ? Number((err as { code?: number }).code ?? 1) : 0, seconds: (performance.now() - t0) / 1000 }),
    );
  });
}

/** Writes `count` finished resume-chat executions (one second apart, one in ten FAILED) through the journal. */
function fillExecutions(db: string, count: number): void {
  const store = new SqliteStore(db);
  const journal = new SqliteJournal(store.db, store.batch);
  const machine = stateMachineArn('chatline-resume-chat');
  const t0 = Date.UTC(2026, 0, 1);
  for (let i = 0; i < count; i++) {
    const name = `bench-${i}`;
    const start = new Date(t0 + i * 1000);
    const failed = i % 10 === 0;
    journal.saveExecution({
      executionArn: `${machine.replace(':stateMachine:', ':execution:')}:${name}`,
      stateMachineArn: machine,
      name,
      input: '{"instanceId":"i","contactId":"c"}',
      status: failed ? 'FAILED' : 'SUCCEEDED',
      startDate: start.toISOString(),
      stopDate: new Date(start.getTime() + 200).toISOString(),
      redriveCount: 0,
      ...(failed ? { error: 'ConnectThrottledError', cause: 'still throttled' } : { output: '{}' }),
    });
    if (i % 5000 === 4999) store.flush();
  }
  store.close();
}

/** Returns per number of CreatePersistentContactAssociation attempts (a retried call is not a second association). */
function attemptsOf(report: ReplayReport): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of report.resumptions) out[r.attempts] = (out[r.attempts] ?? 0) + 1;
  return out;
}

/** Median of `n` timings of `fn`, in ms. */
async function medianMs(n: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return Number((times[Math.floor(n / 2)] as number).toFixed(1));
}

/** The list answers over HTTP on a file of `count` executions. */
async function listTimings(dir: string, count: number): Promise<Record<string, number | boolean>> {
  const db = join(dir, 'executions.db');
  const f0 = performance.now();
  fillExecutions(db, count);
  const fillSeconds = Number(((performance.now() - f0) / 1000).toFixed(1));
  const stack = await startLocalStack({ dbPath: db, keepMirroredEvents: false });
  try {
    const sfn = new SFNClient({ endpoint: stack.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
    const machine = stack.arns.resumeChat;
    const first = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machine, maxResults: 100 }));
    const timings = {
      listFirstPageMs: await medianMs(9, () => sfn.send(new ListExecutionsCommand({ stateMachineArn: machine, maxResults: 100 }))),
      listFailedPageMs: await medianMs(9, () => sfn.send(new ListExecutionsCommand({ stateMachineArn: machine, statusFilter: 'FAILED', maxResults: 100 }))),
      listNextPageMs: await medianMs(9, () => sfn.send(new ListExecutionsCommand({ stateMachineArn: machine, maxResults: 100, ...(first.nextToken ? { nextToken: first.nextToken } : {}) }))),
      dashboardOverviewMs: await medianMs(9, () => fetch(`${stack.url}/_chatline/api/overview`).then((r) => r.text())),
    };
    sfn.destroy();
    const failed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machine, statusFilter: 'FAILED', maxResults: 100 }));
    const pages = { firstPageItems: first.executions?.length ?? 0, failedPageItems: failed.executions?.filter((e) => e.status === 'FAILED').length ?? 0 };
    return { executions: count, fillSeconds, ...pages, ...timings, under100ms: Object.values(timings).every((ms) => ms < 100) };
  } finally {
    await stack.close();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'chatline-million-'));
  try {
    const only = arg('only', '');
    if (only === 'list') {
      process.stdout.write(`${JSON.stringify(await listTimings(dir, Number(arg('executions', '1000000'))))}\n`);
      return;
    }
    const generated = await writeTraffic(join(dir, 'traffic.jsonl'), { events: Number(arg('events', '1000000')), returnProbability: 0.1 });
    const nodeFlags = arg('node-flags', '').split(' ').filter((f) => f !== '');
    const run = await replay(generated.file, join(dir, 'replay.db'), nodeFlags);
    const maxRssKb = Number(/maxRSS-kB (\d+)/.exec(run.stderr)?.[1] ?? Number.NaN);
    const report = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as ReplayReport;
    const associated = report.resumptions.filter((r) => r.status === 'ASSOCIATED');
    const checks = {
      everyEventAccepted: report.events.accepted === generated.events && report.events.received === generated.events,
      sessions: report.lineage.sessions === generated.sessions,
      segments: report.lineage.segments === generated.contacts,
      everyReturnAssociated: associated.length === generated.returns && report.resumptions.length === generated.returns,
      // The simulator's own count: one association per return, none twice.
      oneAssociationEach: report.connect.associations === generated.returns && report.connect.contactsAssociatedTwice === 0,
      peakRssUnder300MB: maxRssKb < 300 * 1024,
    };
    const list = only === 'replay' ? undefined : await listTimings(dir, Number(arg('executions', '1000000')));
    const result = {
      events: generated.events,
      sessions: generated.sessions,
      contacts: generated.contacts,
      returns: generated.returns,
      nodeFlags,
      exitCode: run.code,
      wallSeconds: Number(run.seconds.toFixed(1)),
      eventsPerSecond: Math.round(generated.events / run.seconds),
      peakRssMB: Number((maxRssKb / 1024).toFixed(1)),
      report: { events: report.events, lineage: report.lineage, returns: report.returns, connect: report.connect, attempts: attemptsOf(report), problems: report.problems },
      checks,
      ...(list ? { list } : {}),
      targetsMet: Object.values(checks).every(Boolean) && (list === undefined || list['under100ms'] === true),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
    if (!result.targetsMet) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
