/**
 * Writes a recorded contact-event stream (JSON Lines of EventBridge envelopes, what `chatline
 * replay` reads) made by the simulator's traffic generator, and says what it generated.
 *
 *   npx tsx bench/generate-traffic.ts --events 1000000 --out /tmp/traffic.jsonl [--returns 0.1] [--seed 1]
 *
 * Customers arrive, chat with agents, are sometimes transferred or surveyed, and a share of them
 * (`--returns`, default 0.1) come back once: that return is what chatline detects and resumes.
 * The run goes on a virtual clock (as fast as the simulator answers); customers are generated
 * in instances of CUSTOMERS_PER_INSTANCE (the generator's queue stays small, and customer ids
 * of different instances never meet). Generation stops at the first instance that reaches
 * `--events`, so the file holds about that many events (a little more: whole instances only).
 * The summary (one JSON line on stdout) is the expectation a replay's report must meet.
 */
import '../cli/quiet-warnings';
import { createWriteStream } from 'node:fs';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../core/constants';
import type { EventEnvelope } from '../local/bus';
import { ConnectSimulator, runTraffic, VirtualClock } from '../simulator';

export interface GeneratedTraffic {
  readonly events: number;
  readonly instances: number;
  readonly sessions: number;
  readonly contacts: number;
  readonly returns: number;
  readonly errors: number;
}

const CUSTOMERS_PER_INSTANCE = 1000;

export interface TrafficOptions {
  readonly events: number;
  readonly returnProbability?: number;
  readonly seed?: number;
  /** Called with each returning customer's new chat (its contact id). */
  readonly onReturn?: (contactId: string) => void;
}

/** Generates at least `events` contact events (whole instances of traffic), each given to `sink` as EventBridge delivers it. */
export async function generateTraffic(options: TrafficOptions, sink: (envelope: EventEnvelope) => Promise<void> | void): Promise<GeneratedTraffic> {
  let events = 0;
  let seq = 0;
  // What EventBridge makes of a PutEvents entry: the envelope a rule's target receives.
  const publish = async (entries: PutEventsRequestEntry[]): Promise<void> => {
    for (const entry of entries) {
      const envelope: EventEnvelope = {
        version: '0',
        id: `gen-${options.seed ?? 1}-${++seq}`,
        'detail-type': entry.DetailType ?? '',
        source: entry.Source ?? '',
        account: LOCAL_ACCOUNT_ID,
        time: (entry.Time ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        region: LOCAL_REGION,
        resources: entry.Resources ?? [],
        detail: JSON.parse(entry.Detail ?? '{}') as unknown,
      };
      events++;
      await sink(envelope);
    }
  };
  const clock = new VirtualClock();
  const sim = new ConnectSimulator({ seed: options.seed ?? 1, now: clock.now, throttling: false, transcriptReadySeconds: 0, eventLogLimit: 0, publish });
  const totals = { instances: 0, sessions: 0, contacts: 0, returns: 0, errors: 0 };
  while (events < options.events) {
    totals.instances++;
    const report = await runTraffic(sim, {
      customers: CUSTOMERS_PER_INSTANCE,
      arrivalRatePerSecond: 5,
      returnProbability: options.returnProbability ?? 0.1,
      maxVisits: 2,
      instanceId: `bench-instance-${totals.instances}`,
      seed: (options.seed ?? 1) * 100_003 + totals.instances,
      clock,
      ...(options.onReturn ? { onReturn: (info: { contactId: string }) => options.onReturn?.(info.contactId) } : {}),
    });
    await sim.flushEvents();
    totals.sessions += report.sessions;
    totals.contacts += report.contacts;
    totals.returns += report.returns;
    totals.errors += report.errors.length;
  }
  return { events, ...totals };
}

/** Writes the generated envelopes to `file`, one JSON per line. */
export async function writeTraffic(file: string, options: TrafficOptions): Promise<GeneratedTraffic & { file: string }> {
  const out = createWriteStream(file);
  let waiting: Promise<void> | undefined;
  const summary = await generateTraffic(options, async (envelope) => {
    if (!out.write(`${JSON.stringify(envelope)}\n`)) waiting ??= new Promise<void>((r) => out.once('drain', () => ((waiting = undefined), r())));
    if (waiting) await waiting;
  });
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return { file, ...summary };
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return (i >= 0 ? process.argv[i + 1] : undefined) ?? fallback;
}

if (require.main === module) {
  writeTraffic(arg('out', 'traffic.jsonl'), { events: Number(arg('events', '100000')), returnProbability: Number(arg('returns', '0.1')), seed: Number(arg('seed', '1')) })
    .then((summary) => process.stdout.write(`${JSON.stringify(summary)}\n`))
    .catch((e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    });
}
