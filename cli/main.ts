/**
 * chatline — the command line.
 *   chatline demo [--json]                 play the seed story on a throwaway local stack
 *   chatline replay <events.jsonl> [--db PATH] [--json]
 *   chatline dev [--port N] [--db PATH]    the local stack + the seed story, kept running (npm start)
 * Exit codes: 0 ok; 1 a use case not as expected, or a replay with rejected lines; 2 bad usage or input.
 */
import './quiet-warnings';
import { Command } from 'commander';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startLocalStack } from '../local/stack';
import type { LocalStackOptions } from '../local/stack';
import { runDemo } from './demo';
import type { DemoResult } from './demo';
import { progress, table } from './output';
import { replayLines } from './replay';
import { parseSeconds } from '../core/config';
import { InvalidArgumentError } from 'commander';
import { runSimulatorCli, simulatorCommand } from '../simulator/main';
import type { ReplayReport } from './replay';

/** The demo compresses Connect's 30-60 s transcript delay to 1 s, on both sides. */
const DEMO_TIMING: Pick<LocalStackOptions, 'planner' | 'simulator'> = {
  planner: { readinessDelaySeconds: 1, lateEventGraceSeconds: 1 },
  simulator: { transcriptReadySeconds: 1 },
};

/** Option parsers: a bad value is a clear usage error (exit 2), never NaN downstream. */
const seconds = (name: string) => (value: string): number => {
  try {
    return parseSeconds(name, value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
};
const port = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`--port must be 0-65535; got "${value}"`);
  return n;
};
const wholeNumber = (value: string): number => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(`must be a whole number >= 0; got "${value}"`);
  return n;
};
const factor = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`must be a number > 0; got "${value}"`);
  return n;
};

/** The --db given, or a fresh temporary file that is removed afterwards. */
function dbFor(given: string | undefined): { path: string; dispose: () => void } {
  if (given) return { path: given, dispose: () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'chatline-'));
  return { path: join(dir, 'chatline.db'), dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

function printDemo(result: DemoResult, json: boolean): void {
  if (json) {
    const { contacts, useCases } = result;
    const out = useCases.map(({ useCase, rehydrationType, sourceContactId, continuedFromContactId, visibleTranscript, asExpected }) => ({
      useCase, rehydrationType, sourceContactId, continuedFromContactId, visibleTranscript, asExpected,
    }));
    process.stdout.write(`${JSON.stringify({ contacts, useCases: out })}\n`);
    return;
  }
  const name = (id: string | undefined): string =>
    Object.entries(result.contacts).find(([, v]) => v === id)?.[0] ?? (id ?? '');
  process.stdout.write(`${table(['segment', 'contact id'], Object.entries(result.contacts))}\n`);
  process.stdout.write(
    `${table(
      ['use case', 'rehydration', 'source', 'continued from', 'visible transcript', 'as expected'],
      result.useCases.map((u) => [u.useCase, u.rehydrationType, name(u.sourceContactId), name(u.continuedFromContactId), u.visibleTranscript.map(name).join(', '), u.asExpected ? 'yes' : 'NO']),
    )}\n`,
  );
}

function printReplay(report: ReplayReport, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  const e = report.events;
  process.stdout.write(`events: ${e.received} received, ${e.accepted} accepted, ${e.duplicates} duplicates, ${e.rejected.length} rejected\n`);
  if (e.rejected.length > 0) process.stdout.write(`${table(['line', 'rejected because'], e.rejected.map((r) => [r.line, r.reason]))}\n`);
  process.stdout.write(
    `${table(['session', 'customer', 'segments (kind)', 'continued from'], report.sessions.map((s) => [s.initialContactId, s.customerId, s.segments.map((g) => `${g.contactId} (${g.kind})`).join(' → '), s.continuedFrom]))}\n`,
  );
  process.stdout.write(
    `${table(['contact', 'status', 'rehydration', 'source', 'continued from', 'attempts', 'reason'], report.resumptions.map((r) => [r.contactId, r.status, r.rehydrationType, r.sourceContactId, r.continuedFromContactId, r.attempts, r.reason]))}\n`,
  );
}

const program = new Command()
  .name('chatline')
  .description('Resume Amazon Connect chats exactly once, with their lineage. Local stack, demo and replay.')
  .showHelpAfterError()
  // Bad usage exits 2 (the table at the top); --help and --version exit 0.
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));

program
  .command('demo')
  .description('play the seed story (C1 → transfer C2 → survey C3, two returns) on a throwaway local stack')
  .option('--json', 'print JSON for machines')
  .option('--db <path>', 'SQLite file to keep (default: a fresh temporary file)')
  .option('--record <file>', 'also write every event chatline rules received, one JSON per line (replayable)')
  .action(async (opts: { json?: boolean; db?: string; record?: string }) => {
    const db = dbFor(opts.db);
    const stack = await startLocalStack({ dbPath: db.path, ...DEMO_TIMING });
    const record = opts.record;
    if (record) {
      writeFileSync(record, '');
      stack.bus.observe((event, rules) => rules.length > 0 && appendFileSync(record, `${JSON.stringify(event)}\n`));
    }
    try {
      const result = await runDemo(stack, progress(!opts.json));
      printDemo(result, Boolean(opts.json));
      process.exitCode = result.useCases.every((u) => u.asExpected) ? 0 : 1;
    } finally {
      await stack.close();
      db.dispose();
    }
  });

program
  .command('replay')
  .description('feed recorded EventBridge envelopes (one JSON per line) through the bus and the workflows')
  .argument('<events.jsonl>', 'the recorded events')
  .option('--db <path>', 'SQLite file (default: a fresh temporary file)')
  .option('--grace <seconds>', 'late-event grace before a return is planned', seconds('--grace'), 1)
  .option('--json', 'print JSON for machines')
  .action(async (file: string, opts: { db?: string; grace: number; json?: boolean }) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      process.stderr.write(`chatline replay: cannot read ${file}: ${(err as Error).message}\n`);
      process.exitCode = 2;
      return;
    }
    const db = dbFor(opts.db);
    const stack = await startLocalStack({
      dbPath: db.path,
      planner: { readinessDelaySeconds: 0, lateEventGraceSeconds: opts.grace },
      simulator: { transcriptReadySeconds: 0 },
    });
    try {
      const say = progress(!opts.json && process.stderr.isTTY);
      const report = await replayLines(stack, text, (done, total) => say(`replayed ${done}/${total}`));
      printReplay(report, Boolean(opts.json));
      process.exitCode = report.events.rejected.length > 0 ? 1 : 0;
    } finally {
      await stack.close();
      db.dispose();
    }
  });

// `chatline sim ...`: the Connect simulator on its own (its options: `chatline sim --help`).
program.addCommand(
  simulatorCommand().action(async () => {
    const sim = await runSimulatorCli(process.argv.slice(3));
    const stop = async (): Promise<void> => {
      await sim.close();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop());
    process.once('SIGTERM', () => void stop());
  }),
);

program
  .command('dev')
  .description('run the local stack on 127.0.0.1, play the seed story, and keep running (what npm start runs)')
  .option('--port <n>', 'port of the loopback endpoint', port, 4577)
  .option('--db <path>', 'SQLite file', '.chatline/chatline.db')
  .option('--no-demo', 'do not play the seed story')
  .option('--connect-endpoint <url>', 'send the workflows\' Connect calls here (e.g. a separate `chatline sim`) instead of the built-in simulator')
  .option('--readiness <seconds>', 'transcript readiness delay after a session ends', seconds('--readiness'), 1)
  .option('--grace <seconds>', 'late-event grace before a return is planned', seconds('--grace'), 1)
  .option('--retry-time-scale <factor>', 'multiply every workflow Retry interval (tests use 0.05; 1 = as on AWS)', factor, 1)
  .option('--seed <n>', 'seed of the built-in simulator (default: new each start, so ids never repeat in a kept --db)', wholeNumber)
  .action(async (opts: { port: number; db: string; demo: boolean; connectEndpoint?: string; readiness: number; grace: number; retryTimeScale: number; seed?: number }) => {
    mkdirSync(dirname(opts.db), { recursive: true });
    const stack = await startLocalStack({
      dbPath: opts.db,
      port: opts.port,
      planner: { readinessDelaySeconds: opts.readiness, lateEventGraceSeconds: opts.grace },
      retryTimeScale: opts.retryTimeScale,
      simulator: { ...DEMO_TIMING.simulator, seed: opts.seed ?? Date.now() % 2 ** 31 },
      ...(opts.connectEndpoint ? { connectEndpoint: opts.connectEndpoint } : {}),
    });
    process.stdout.write(`chatline local stack on ${stack.url} (SQLite: ${opts.db})\n`);
    process.stdout.write(`  ops dashboard: ${stack.url}/\n`);
    process.stdout.write(`  export AWS_ENDPOINT_URL=${stack.url} AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local\n`);
    if (stack.recovered.executions + stack.recovered.events > 0) {
      process.stdout.write(`  continued ${stack.recovered.executions} unfinished executions and ${stack.recovered.events} undelivered events from the last run\n`);
    }
    if (stack.recovered.unmirrored > 0) {
      process.stdout.write(`  warning: the built-in simulator could not rebuild ${stack.recovered.unmirrored} contact events from the journal\n`);
    }
    process.stdout.write('\n');
    const stop = async (): Promise<void> => {
      await stack.close();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop());
    process.once('SIGTERM', () => void stop());
    if (!opts.demo) return;
    const result = await runDemo(stack, progress(true));
    printDemo(result, false);
    process.stdout.write(result.useCases.every((u) => u.asExpected) ? 'Both use cases as expected.\n' : 'A use case was NOT as expected.\n');
    process.stdout.write('The stack keeps running; Ctrl-C to stop.\n');
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`chatline: ${err instanceof Error ? err.message : String(err)}\n`);
  // Exit now: a half-started stack may hold a listening socket.
  process.exit(2);
});
