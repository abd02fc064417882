/**
 * A million generated contact events through `chatline replay`: simulator traffic (~10% of
 * sessions come back), transcript readiness and grace 0, the replay in its own process. Reports
 * wall time, events/s and the replay process's peak RSS (process.resourceUsage().maxRSS, written
 * by bench/report-rss.cjs), and checks the report's counts against the generator's: every event
 * accepted (none lost, none rejected), every session and segment in the lineage, every return
 * ASSOCIATED with one attempt (no duplicate association). Targets: peak RSS < 300 MB, counts equal.
 *
 *   npx tsx bench/replay-million.ts [--events 1000000]
 */
import '../cli/quiet-warnings';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReplayReport } from '../cli/replay-report';
import { writeTraffic } from './generate-traffic';

const ROOT = join(__dirname, '..');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return (i >= 0 ? process.argv[i + 1] : undefined) ?? fallback;
}

function replay(file: string, db: string): Promise<{ stdout: string; stderr: string; code: number; seconds: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--require', join(__dirname, 'report-rss.cjs'), join(ROOT, 'bin', 'chatline.cjs'), 'replay', file, '--db', db, '--grace', '0', '--json'],
      { maxBuffer: 1024 * 1024 * 1024, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
      (err, stdout, stderr) => resolve({ stdout, stderr, code: err ? Number((err as { code?: number }).code ?? 1) : 0, seconds: (performance.now() - t0) / 1000 }),
    );
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'chatline-million-'));
  try {
    const generated = await writeTraffic(join(dir, 'traffic.jsonl'), { events: Number(arg('events', '1000000')), returnProbability: 0.1 });
    const run = await replay(generated.file, join(dir, 'replay.db'));
    const maxRssKb = Number(/maxRSS-kB (\d+)/.exec(run.stderr)?.[1] ?? Number.NaN);
    const report = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as ReplayReport;
    const associated = report.resumptions.filter((r) => r.status === 'ASSOCIATED');
    const checks = {
      everyEventAccepted: report.events.accepted === generated.events && report.events.received === generated.events,
      sessions: report.lineage.sessions === generated.sessions,
      segments: report.lineage.segments === generated.contacts,
      everyReturnAssociated: associated.length === generated.returns && report.resumptions.length === generated.returns,
      oneAttemptEach: associated.every((r) => r.attempts === 1),
      peakRssUnder300MB: maxRssKb < 300 * 1024,
    };
    const result = {
      events: generated.events,
      sessions: generated.sessions,
      contacts: generated.contacts,
      returns: generated.returns,
      exitCode: run.code,
      wallSeconds: Number(run.seconds.toFixed(1)),
      eventsPerSecond: Math.round(generated.events / run.seconds),
      peakRssMB: Number((maxRssKb / 1024).toFixed(1)),
      report: { events: report.events, lineage: report.lineage, returns: report.returns, problems: report.problems },
      checks,
      targetsMet: Object.values(checks).every(Boolean),
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
