/**
 * Events per second through the local pipeline, against two rates measured in the same run on
 * the same events (simulator traffic, ~10% of sessions come back):
 *  - raw: the interpreter alone running the two workflow files with trivial in-process tasks (no
 *    store, no bus; a return's INITIATED starts resume-chat, as RecordContactEvent would),
 *    measured after one untimed warm-up pass over the same events;
 *  - store: RecordContactEvent called directly on a SQLite store (no bus, no engine);
 *  - pipeline: the local stack, bus → contact-events (Express) → RecordContactEvent → SQLite, with
 *    resume-chat for the returns, delivered as `chatline replay` delivers (cli/replay-delivery.ts);
 *  - engine (a diagnosis, no target): the same local stack and delivery with a no-op
 *    RecordContactEvent (nothing stored, no return found, so no resume-chat): what the bus, the
 *    engine, the simulator's mirror and the delivery cost around the store.
 * The targets are ratios and rates of one run, never timing assertions:
 * pipeline >= 5,000 events/s and pipeline / raw >= 0.3.
 *
 *   npx tsx bench/pipeline-throughput.ts [--events 20000] [--only raw|store|pipeline|engine]
 */
import '../cli/quiet-warnings';
import '../local/polyfills';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StateMachine } from 'aws-local-stepfunctions';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { ContactOrderedDelivery } from '../cli/replay-delivery';
import { DEFAULT_BUDGET_CONFIG } from '../core/budget';
import { recordContactEvent } from '../core/use-cases';
import type { EventEnvelope } from '../local/bus';
import { startLocalStack } from '../local/stack';
import { SqliteStore } from '../local/store/sqlite-store';
import { renderDefinition } from '../workflows/definitions';
import { generateTraffic } from './generate-traffic';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return (i >= 0 ? process.argv[i + 1] : undefined) ?? fallback;
}

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function:f';

/** The two workflow files with trivial tasks: the interpreter's own rate. */
async function rawRate(events: readonly EventEnvelope[], returns: ReadonlySet<string>): Promise<Rate> {
  const contactEvents = new StateMachine(renderDefinition('contactEvents', { RecordContactEventFunctionArn: ARN, ResumeChatStateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:r' }) as StateMachineDefinition);
  const resumeChat = new StateMachine(
    renderDefinition('resumeChat', { PlanResumptionFunctionArn: ARN, RecordOutcomeFunctionArn: ARN, RecordDescribedContactsFunctionArn: ARN, EventBusName: 'default', OutcomeEventSource: 'chatline' }) as StateMachineDefinition,
  );
  const resumes: Promise<unknown>[] = [];
  const now = new Date(0).toISOString();
  const planned = async () => ({ Payload: { instanceId: 'i', contactId: 'c', plan: { action: 'associate', slotAt: now, plan: { notBefore: now, rehydrationType: 'ENTIRE_PAST_SESSION', sourceContactId: 's', clientToken: 't' } } } });
  const resumeTasks = {
    PlanResumption: planned,
    // After WaitForSlot: the same plan, confirmed (the workflow's second call of PlanResumption).
    ConfirmTurn: planned,
    Associate: async () => ({ ContinuedFromContactId: 's' }),
    RecordOutcome: async () => ({ Payload: { detailType: 'Chat Resumption Succeeded', detail: {} } }),
    PublishOutcome: async () => ({ Entries: [], FailedEntryCount: 0 }),
  };
  const contactTasks = {
    RecordContactEvent: async (input: { Payload: EventEnvelope }) => {
      const d = input.Payload.detail as { contactId: string; eventType: string };
      return { Payload: { outcome: 'recorded', resumes: returns.has(d.contactId) && d.eventType === 'INITIATED' ? [{ name: d.contactId, input: { instanceId: 'i', contactId: d.contactId } }] : [] } };
    },
    StartResumeChat: async (input: { Input: unknown }) => {
      resumes.push(resumeChat.run(input.Input as never, { overrides: { taskResourceLocalHandlers: resumeTasks as never } }).result);
      return { ExecutionArn: 'arn', StartDate: now };
    },
  };
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await inWindow(events, 64, (e) => contactEvents.run(e as never, { overrides: { taskResourceLocalHandlers: contactTasks as never } }).result);
  await Promise.all(resumes);
  return measured(events.length, t0, cpu0);
}

/** RecordContactEvent directly on SQLite: the store's rate. */
async function storeRate(events: readonly EventEnvelope[], dir: string): Promise<Rate> {
  const store = new SqliteStore(join(dir, 'direct.db'));
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (const e of events) await recordContactEvent({ store, now: () => new Date() }, e);
  store.flush();
  const rate = measured(events.length, t0, cpu0);
  store.close();
  return rate;
}

/**
 * The local stack: bus → contact-events → RecordContactEvent → SQLite (and resume-chat for the
 * returns); with `noopRecord`, RecordContactEvent records nothing and finds no return.
 */
async function pipelineRate(events: readonly EventEnvelope[], dir: string, noopRecord = false): Promise<Rate & { segments: number; associated: number }> {
  const phase = noopRecord ? 'engine' : 'pipeline';
  const stack = await startLocalStack({
    dbPath: join(dir, `${phase}.db`),
    ...(noopRecord ? { steps: (real) => ({ ...real, recordContactEvent: async () => ({ outcome: 'recorded' as const, resumes: [] }) }) } : {}),
    planner: { readinessDelaySeconds: 0, lateEventGraceSeconds: 0 },
    simulator: { transcriptReadySeconds: 0, throttling: false },
    // As `chatline replay` runs by default: not bound by Connect's quota, so no budget pacing
    // the returns' calls either (paced, 319 returns alone take ~80 s of idle waiting).
    budget: { ...DEFAULT_BUDGET_CONFIG, enabled: false },
    keepMirroredEvents: false,
  });
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  // Delivered as `chatline replay` delivers (the simulator mirrors each event just before it, a
  // returning chat's end waits for its resume), without the replay's reading and screening.
  const delivery = new ContactOrderedDelivery(stack);
  await inWindow(events, 512, (e) => delivery.deliver(0, e, (e.detail as { contactId: string }).contactId));
  await stack.waitForIdle();
  const rate = measured(events.length, t0, cpu0);
  process.stderr.write(`${phase}: ${(events.length / rate.rate).toFixed(1)} s wall, ${rate.cpuSeconds.toFixed(1)} s CPU\n`);
  const segments = stack.store.segmentsPage(undefined, 1_000_000).length;
  const resumptions = await stack.store.listResumptions();
  const associated = resumptions.filter((r) => r.status === 'ASSOCIATED').length;
  const byStatus: Record<string, number> = {};
  for (const r of resumptions) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  process.stderr.write(`${phase} resumptions ${JSON.stringify(byStatus)}, executions ${JSON.stringify(stack.sfn.countExecutions())}\n`);
  await stack.close();
  return { ...rate, segments, associated };
}

/** A phase's rate over wall time, and the process CPU time it took (all threads: GC helpers included). */
interface Rate {
  readonly rate: number;
  readonly cpuSeconds: number;
}

function measured(count: number, t0: number, cpu0: NodeJS.CpuUsage): Rate {
  const cpu = process.cpuUsage(cpu0);
  return { rate: count / ((performance.now() - t0) / 1000), cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

/** Runs `fn` over `items` in order with at most `window` unfinished at once (one waiter, not a race over all). */
async function inWindow<T>(items: readonly T[], window: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let running = 0;
  let room: (() => void) | undefined;
  const done = (): void => {
    running--;
    room?.();
  };
  for (const item of items) {
    running++;
    void fn(item).then(done, done);
    while (running >= window) await new Promise<void>((r) => (room = r));
  }
  while (running > 0) await new Promise<void>((r) => (room = r));
}

async function main(): Promise<void> {
  const only = arg('only', '');
  const events: EventEnvelope[] = [];
  const returns = new Set<string>();
  const traffic = await generateTraffic({ events: Number(arg('events', '20000')), onReturn: (c) => returns.add(c) }, (e) => void events.push(e));
  const dir = mkdtempSync(join(tmpdir(), 'chatline-bench-'));
  try {
    // The raw rate is measured warm, as the pipeline is (it runs after the interpreter's code is
    // compiled): one untimed pass first. Measured cold, the first pass ran at about half the rate
    // of the next ones, which flattered the pipeline / raw ratio.
    if (only === '' || only === 'raw') await rawRate(events, returns);
    const raw = only === '' || only === 'raw' ? await rawRate(events, returns) : undefined;
    const store = only === '' || only === 'store' ? await storeRate(events, dir) : undefined;
    const pipeline = only === '' || only === 'pipeline' ? await pipelineRate(events, dir) : undefined;
    const engine = only === '' || only === 'engine' ? await pipelineRate(events, dir, true) : undefined;
    const perCpuSecond = (r: Rate): number => Math.round(events.length / r.cpuSeconds);
    const result = {
      events: events.length,
      sessions: traffic.sessions,
      returns: traffic.returns,
      ...(raw ? { rawEventsPerSecond: Math.round(raw.rate) } : {}),
      ...(store ? { storeEventsPerSecond: Math.round(store.rate) } : {}),
      ...(pipeline ? { pipelineEventsPerSecond: Math.round(pipeline.rate), segments: pipeline.segments, associated: pipeline.associated } : {}),
      ...(pipeline && raw ? { pipelineToRawRatio: Number((pipeline.rate / raw.rate).toFixed(3)) } : {}),
      ...(pipeline && store ? { pipelineToStoreRatio: Number((pipeline.rate / store.rate).toFixed(3)) } : {}),
      ...(pipeline && raw ? { targetsMet: pipeline.rate >= 5000 && pipeline.rate / raw.rate >= 0.3 } : {}),
      ...(engine ? { engineEventsPerSecond: Math.round(engine.rate) } : {}),
      ...(engine && raw ? { engineToRawRatio: Number((engine.rate / raw.rate).toFixed(3)) } : {}),
      // The same rates per second of process CPU: on a machine shared with other work, the wall
      // rates of the three phases get different shares of the cores; these do much less so.
      cpuEventsPerSecond: {
        ...(raw ? { raw: perCpuSecond(raw) } : {}),
        ...(store ? { store: perCpuSecond(store) } : {}),
        ...(pipeline ? { pipeline: perCpuSecond(pipeline) } : {}),
        ...(engine ? { engine: perCpuSecond(engine) } : {}),
        ...(pipeline && raw ? { pipelineToRaw: Number((raw.cpuSeconds / pipeline.cpuSeconds).toFixed(3)) } : {}),
      },
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
    // A fast pipeline that lost work measured nothing: every return must have been associated.
    if (pipeline && pipeline.associated !== traffic.returns) {
      process.stderr.write(`pipeline associated ${pipeline.associated} of the generator's ${traffic.returns} returns\n`);
      process.exitCode = 1;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
