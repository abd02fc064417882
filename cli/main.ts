/**
 * chatline — the command line.
 *   chatline demo [--json]                 play the seed story on a throwaway local stack
 *   chatline replay <events.jsonl> [--db PATH] [--grace S] [--connect-quota] [--json]
 *   chatline dev [--port N] [--db PATH]    the local stack + the seed story, kept running (npm start)
 *   chatline sim [...]                     the Connect simulator on its own
 * Shared by every command: exit codes (./exit-codes.ts), stopping on SIGINT/SIGTERM
 * (./shutdown.ts), --help and --version (standardize() at the end of this file), and start-up
 * errors as one line with the fix (StartupError → exit 2).
 */
import './quiet-warnings';
import { Command } from 'commander';
import { accessSync, appendFileSync, constants, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DbPathError, StartupError } from '../local/startup-errors';
import { startLocalStack } from '../local/stack';
import type { LocalStackOptions } from '../local/stack';
import { runDemo } from './demo';
import type { DemoResult } from './demo';
import { progress, table } from './output';
import { replayStream } from './replay';
import { fileLines } from './replay-lines';
import { progressBar } from './replay-progress';
import { formatReport, replayIsAsExpected } from './replay-report';
import type { BudgetConfig, BudgetLimits } from '../core/budget';
import { DEFAULT_BUDGET_CONFIG } from '../core/budget';
import { boundHeapGrowth } from './heap-growth';
import type { BudgetSettings } from '../core/config';
import { budgetConfigOf, budgetSettingsFromEnv } from '../core/config';
import { DEFAULT_PLANNER_CONFIG } from '../core/planner';
import type { SimulatorConfig } from '../simulator';
import { simulatorCommand, startSimulator } from '../simulator/main';
import type { SimulatorCliOptions } from '../simulator/main';
import { EXIT } from './exit-codes';
import { factor, onOff, port, quota, seconds, share, wholeNumber } from './options';
import { checkReadiness, parseWithSim, readSimulatorConfig, startPairedSimulator } from './pairing';
import type { PairedSimulator } from './pairing';
import { checkConnectEndpoint, UsageError } from './preflight';
import { lineageCommand } from './lineage';
import { redriveCommand } from './redrive';
import { resumptionsCommand } from './resumptions';
import { shutdown } from './shutdown';
import { VERSION } from './version';
import { consoleCommand } from './console';

/** The demo compresses Connect's 30-60 s transcript delay to 1 s, on both sides. */
const DEMO_TIMING: Pick<LocalStackOptions, 'planner' | 'simulator'> = {
  planner: { readinessDelaySeconds: 1, lateEventGraceSeconds: 1 },
  simulator: { transcriptReadySeconds: 1 },
};

/** A simulator seed new at each start, so contact ids never repeat in a kept --db. */
const freshSeed = (): number => Date.now() % 2 ** 31;

interface DevOptions {
  port: number; db: string; demo: boolean; connectEndpoint?: string; readiness: number; grace: number; retryTimeScale: number; seed?: number;
  withSim?: boolean; simArgs?: string; budget?: boolean; associationQuota?: BudgetLimits; describeQuota?: BudgetLimits; headroom?: number; maxWait?: number;
}

/**
 * The budget for `chatline dev`: the environment's settings, the flags over them. On a simulator at
 * --speed F its token buckets refill F times as fast in real time, so the budget's rates follow.
 */
function devBudget(opts: DevOptions, speed: number): BudgetConfig {
  const flags: BudgetSettings = {
    ...(opts.budget !== undefined ? { enabled: opts.budget } : {}),
    ...(opts.associationQuota ? { associationQuota: opts.associationQuota } : {}),
    ...(opts.describeQuota ? { describeQuota: opts.describeQuota } : {}),
    ...(opts.headroom !== undefined ? { headroom: opts.headroom } : {}),
    ...(opts.maxWait !== undefined ? { maxWaitSeconds: opts.maxWait } : {}),
  };
  const budget = budgetConfigOf({ ...budgetSettingsFromEnv(process.env), ...flags });
  const scale = (l: BudgetLimits): BudgetLimits => ({ ratePerSecond: l.ratePerSecond * speed, burst: l.burst });
  return { ...budget, association: scale(budget.association), describe: scale(budget.describe), maxWaitSeconds: budget.maxWaitSeconds / speed };
}

/** The --db given (its folder created), or a fresh temporary file that is removed afterwards. */
function dbFor(given: string | undefined): { path: string; dispose: () => void } {
  if (given) {
    makeDbFolder(given);
    return { path: given, dispose: () => undefined };
  }
  const dir = mkdtempSync(join(tmpdir(), 'chatline-'));
  return { path: join(dir, 'chatline.db'), dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

function makeDbFolder(db: string): void {
  try {
    mkdirSync(dirname(db), { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    const why = code === 'EEXIST' || code === 'ENOTDIR' ? 'a file is in the way' : code;
    throw new DbPathError(`cannot create the folder ${dirname(db)} of --db ${db} (${why}): pass a --db in a writable folder`);
  }
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

const program = new Command()
  .name('chatline')
  .description('Resume Amazon Connect chats exactly once, with their lineage. Local stack, demo and replay.')
  .version(VERSION, '-V, --version', 'print the version');

program
  .command('demo')
  .description('play the seed story (C1 → transfer C2 → survey C3, two returns) on a throwaway local stack')
  .option('--json', 'print JSON for machines')
  .option('--db <path>', 'SQLite file to keep (default: a fresh temporary file)')
  .option('--record <file>', 'also write every event chatline rules received, one JSON per line (replayable)')
  .action(async (opts: { json?: boolean; db?: string; record?: string }) => {
    shutdown.arm();
    const db = dbFor(opts.db);
    // A kept --db already holds the contacts of earlier runs: seed the simulator anew so ids never repeat.
    const simulator = { ...DEMO_TIMING.simulator, ...(opts.db ? { seed: freshSeed() } : {}) };
    const stack = await startLocalStack({ dbPath: db.path, lockOwner: 'chatline demo', ...DEMO_TIMING, simulator });
    const unregister = shutdown.onStop(async () => {
      await stack.close();
      db.dispose();
    });
    const record = opts.record;
    if (record) {
      writeFileSync(record, '');
      stack.bus.observe((event, rules) => rules.length > 0 && appendFileSync(record, `${JSON.stringify(event)}\n`));
    }
    try {
      const result = await runDemo(stack, progress(!opts.json));
      printDemo(result, Boolean(opts.json));
      process.exitCode = result.useCases.every((u) => u.asExpected) ? EXIT.ok : EXIT.notAsExpected;
    } finally {
      unregister();
      await stack.close();
      db.dispose();
    }
  });

program
  .command('replay')
  .description('feed recorded EventBridge envelopes (one JSON per line) through the bus and the workflows, and report every line and every return')
  .argument('<events.jsonl>', 'the recorded events (streamed: any size)')
  .option('--db <path>', 'SQLite file (default: a fresh temporary file)')
  .option('--grace <seconds>', 'late-event grace before a return is planned', seconds('--grace'), 1)
  .option('--connect-quota', "replay under Connect's API quotas (the simulator throttles as Connect does; default: unthrottled)")
  .option('--json', 'print JSON for machines (no progress bar)')
  .action(async (file: string, opts: { db?: string; grace: number; connectQuota?: boolean; json?: boolean }) => {
    let totalBytes: number;
    try {
      const stat = statSync(file);
      if (!stat.isFile()) throw new Error('not a file');
      accessSync(file, constants.R_OK);
      totalBytes = stat.size;
    } catch (err) {
      process.stderr.write(`chatline replay: cannot read ${file}: ${(err as Error).message}\n`);
      process.exitCode = EXIT.usage;
      return;
    }
    shutdown.arm();
    boundHeapGrowth();
    const db = dbFor(opts.db);
    const stack = await startLocalStack({
      dbPath: db.path,
      lockOwner: 'chatline replay',
      planner: { readinessDelaySeconds: 0, lateEventGraceSeconds: opts.grace },
      // Not bound by Connect's quota unless asked: no throttling, and no budget pacing calls to it.
      simulator: { transcriptReadySeconds: 0, throttling: opts.connectQuota === true },
      budget: opts.connectQuota === true ? DEFAULT_BUDGET_CONFIG : { ...DEFAULT_BUDGET_CONFIG, enabled: false },
      // Kept, so that a replay stopped midway rebuilds the simulator before the executions it left
      // running continue (they would otherwise call Connect before the file's lines are mirrored again).
      keepMirroredEvents: true,
    });
    const unregister = shutdown.onStop(async () => {
      await stack.close();
      db.dispose();
    });
    const bar = progressBar(!opts.json && process.stderr.isTTY ? process.stderr : undefined);
    try {
      const report = await replayStream(stack, fileLines(file), { totalBytes, progress: (p) => bar.update(p), signal: shutdown.signal });
      bar.done();
      process.stdout.write(opts.json ? `${JSON.stringify(report)}\n` : formatReport(report));
      process.exitCode = replayIsAsExpected(report) ? EXIT.ok : EXIT.notAsExpected;
    } finally {
      bar.done();
      unregister();
      await stack.close();
      db.dispose();
    }
  });

// `chatline sim ...`: the Connect simulator on its own (its options: `chatline sim --help`).
program.addCommand(
  simulatorCommand().action(async (opts: SimulatorCliOptions) => {
    // Runs until stopped: a stop is its normal end.
    shutdown.arm({ exitCode: () => EXIT.ok });
    const sim = await startSimulator(opts);
    shutdown.onStop(() => sim.close());
  }),
);
program.addCommand(consoleCommand());

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
  .option('--with-sim', 'pair with a Connect simulator started here, on its own port: the workflows call it, its events come here, the story plays on it')
  .option('--sim-args <options>', 'chatline sim\'s options for --with-sim, in one string (implies --with-sim), e.g. "--traffic 50 --speed 60"')
  .option('--budget <on|off>', 'pace Connect calls with the shared call budget (off: retry with jitter only) [env CONNECT_BUDGET]', onOff)
  .option('--association-quota <rate:burst>', 'the account\'s CreatePersistentContactAssociation quota (default 5:8, documented) [env ASSOCIATION_QUOTA_RATE/_BURST]', quota('--association-quota'))
  .option('--describe-quota <rate:burst>', 'the account\'s DescribeContact quota (default 10:15, documented) [env DESCRIBE_QUOTA_RATE/_BURST]', quota('--describe-quota'))
  .option('--headroom <share>', 'share of each quota left to other callers, 0 to <1 (default 0.2) [env BUDGET_HEADROOM]', share)
  .option('--max-wait <seconds>', 'a return waiting longer than this for its turn is SKIPPED (default 900) [env BUDGET_MAX_WAIT_SECONDS]', seconds('--max-wait'))
  .action(async (opts: DevOptions) => {
    // Runs until stopped: a stop is its normal end.
    shutdown.arm({ exitCode: () => EXIT.ok });
    const say = (line: string): void => void process.stdout.write(`${line}\n`);
    // Pairing: a simulator started here (--with-sim) or a separate one (--connect-endpoint).
    let paired: PairedSimulator | undefined;
    let speed = 1;
    let external: SimulatorConfig | undefined;
    if (opts.withSim === true || opts.simArgs !== undefined) {
      if (opts.connectEndpoint !== undefined) throw new UsageError('--with-sim starts the simulator the workflows call: leave --connect-endpoint out');
      const simOptions = parseWithSim(opts.simArgs ?? '', opts.readiness, freshSeed);
      const mismatch = checkReadiness(simOptions.transcriptReady, opts.readiness);
      if (mismatch) throw new UsageError(mismatch);
      speed = simOptions.speed;
      paired = await startPairedSimulator(simOptions, say);
      shutdown.onStop(() => paired?.close());
    } else if (opts.connectEndpoint !== undefined) {
      if (opts.demo) {
        throw new UsageError(
          `the seed story drives the built-in simulator and checks what it sees, but with --connect-endpoint the associations are made at ${opts.connectEndpoint}: pass --no-demo, or use --with-sim to play the story on a paired simulator`,
        );
      }
      await checkConnectEndpoint(opts.connectEndpoint);
      external = await readSimulatorConfig(opts.connectEndpoint);
      speed = external?.speed ?? 1;
    }
    makeDbFolder(opts.db);
    const connectEndpoint = paired?.handle.url ?? opts.connectEndpoint;
    const stack = await startLocalStack({
      dbPath: opts.db,
      lockOwner: 'chatline dev',
      port: opts.port,
      // On the paired simulator's clock: at --speed F every delay takes 1/F as long.
      planner: {
        readinessDelaySeconds: opts.readiness / speed,
        lateEventGraceSeconds: opts.grace / speed,
        gapFillAfterSeconds: DEFAULT_PLANNER_CONFIG.gapFillAfterSeconds / speed,
      },
      retryTimeScale: opts.retryTimeScale / speed,
      budget: devBudget(opts, speed),
      simulator: { ...DEMO_TIMING.simulator, seed: opts.seed ?? freshSeed() },
      ...(connectEndpoint ? { connectEndpoint } : {}),
    }).catch(async (err: unknown) => {
      await paired?.close();
      throw err;
    });
    paired?.attach(stack.url);
    process.stdout.write(`chatline local stack on ${stack.url} (SQLite: ${opts.db})\n`);
    if (paired) {
      say(`  Connect simulator (--with-sim) on ${paired.handle.url}, speed ${speed}: the workflows call it and its events come here; AWS_ENDPOINT_URL_CONNECT=${paired.handle.url} for your own Connect calls`);
    } else if (opts.connectEndpoint !== undefined) {
      say(`  Connect calls go to ${opts.connectEndpoint}${external ? ` (a chatline sim at speed ${speed}${speed === 1 ? '' : ': delays follow its clock'})` : ''}`);
      if (external && external.eventsEndpoint !== stack.url) {
        say(`  warning: that simulator publishes its contact events ${external.eventsEndpoint ? `to ${external.eventsEndpoint}` : 'nowhere'}, not here: start it with --events-endpoint ${stack.url}`);
      }
      const mismatch = external ? checkReadiness(external.transcriptReadySeconds, opts.readiness) : undefined;
      if (mismatch) say(`  warning: ${mismatch}`);
    }
    process.stdout.write(`  ops dashboard: ${stack.url}/\n`);
    process.stdout.write(`  export AWS_ENDPOINT_URL=${stack.url} AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local\n`);
    if (stack.recovered.executions + stack.recovered.events > 0) {
      process.stdout.write(`  continued ${stack.recovered.executions} unfinished executions and ${stack.recovered.events} undelivered events from the last run\n`);
    }
    if (stack.recovered.unmirrored > 0) {
      process.stdout.write(`  warning: the built-in simulator could not rebuild ${stack.recovered.unmirrored} contact events from the journal\n`);
    }
    shutdown.onStop(() => stack.close());
    if (!opts.demo) {
      process.stdout.write('\n');
      return;
    }
    const earlier = (await stack.store.listResumptions()).length;
    if (earlier > 0) {
      process.stdout.write(`  this database already holds ${earlier} resumptions from earlier runs; each start plays the story again and adds 2 (--no-demo skips it; another --db starts clean)\n`);
    }
    process.stdout.write('\n');
    let result: DemoResult;
    try {
      result = await runDemo(stack, progress(true), paired?.handle.sim);
    } catch (err) {
      if (shutdown.requested) return; // stopped mid-story: the journal keeps the rest
      throw err;
    }
    printDemo(result, false);
    process.stdout.write(result.useCases.every((u) => u.asExpected) ? 'Both use cases as expected.\n' : 'A use case was NOT as expected.\n');
    process.stdout.write('The stack keeps running; Ctrl-C to stop.\n');
  });

program.addCommand(resumptionsCommand());
program.addCommand(lineageCommand());
program.addCommand(redriveCommand());

/**
 * The same conventions on every command, including those added above by others: bad usage prints
 * the error and the command's help and exits 2; --help and --version print and exit 0.
 */
function standardize(command: Command): void {
  command.showHelpAfterError().exitOverride((err) => process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.usage));
  for (const sub of command.commands) {
    if (!sub.options.some((o) => o.long === '--version')) sub.version(VERSION, '-V, --version', 'print the version');
    standardize(sub);
  }
}
standardize(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  // Stopped by a signal: what follows is the stop's doing; the shutdown controller exits.
  if (shutdown.requested) return;
  const command = process.argv[2] && !process.argv[2].startsWith('-') ? ` ${process.argv[2]}` : '';
  process.stderr.write(`chatline${command}: ${err instanceof Error ? err.message : String(err)}\n`);
  // Exit now: a half-started stack may hold a listening socket.
  process.exit(err instanceof StartupError ? EXIT.usage : EXIT.notAsExpected);
});
