/**
 * Burst drain (issue 10): N simultaneous returns against Connect's CreatePersistentContactAssociation
 * quota (the documented 5/s burst 8, both scaled by --scale so the run stays short), while a second
 * caller uses 20% of the same quota throughout. Runs chatline with the Connect call budget and then,
 * in the same process, with the budget off (retry with jitter only), each on a fresh local stack
 * (real SQLite file, real retry timing, the in-process simulator), and prints one JSON line:
 * per row associated, failed, skipped, duplicates (simulator count), throttled ÷ N (chatline's calls
 * only), drain ratio = ideal drain time at the rate the other caller leaves ÷ measured drain time,
 * and the Standard transitions per resume-chat execution observed (for docs/deploy.md's cost table).
 *
 *   npx tsx bench/burst-drain.ts [--returns 2000] [--scale 10] [--other-share 0.2] [--warm-up 60] [--only-on]
 *
 * --warm-up N: N returns on another instance are drained before the burst, so the burst meets a
 * running chatline (its Connect client's HTTP connections open, the budget idle again); 0 measures
 * a cold start, where the local engine's first association calls wait seconds for their new
 * connections while the burst is ingested. --only-on: the budget row alone (experiments).
 * BURST_PROBE=1: progress on stderr. Each row's `phases` says where the time went.
 *
 * Targets with the budget: ratio >= 0.95, throttled <= 5% of N, 0 failed, 0 duplicates, every return
 * terminal (ASSOCIATED or SKIPPED with a reason).
 */
import '../local/polyfills';
import { ConnectClient, CreatePersistentContactAssociationCommand } from '@aws-sdk/client-connect';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_BUDGET_CONFIG, DEFAULT_HEADROOM, DOCUMENTED_QUOTAS, drainRatio, idealDrainSeconds, withHeadroom } from '../core/budget';
import { LOCAL_REGION } from '../core/constants';
import { customerReturnedEntries, returningCustomers, startSteadyCaller } from '../simulator/scenarios';
import { startLocalStack } from '../local/stack';

function arg(name: string, fallback: number, min = Number.MIN_VALUE, max = Number.POSITIVE_INFINITY): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v < min || v > max) throw new Error(`--${name} must be a number in [${min}, ${max}]`);
  return v;
}

/** The late-event grace at the same scale as the quota (5 s at scale 1), so the path is the real one. */
const graceSeconds = (scale: number) => 5 / scale;

interface Row {
  readonly budget: 'on' | 'off';
  readonly associated: number;
  readonly failed: number;
  readonly skipped: number;
  readonly notTerminal: number;
  readonly duplicates: number;
  readonly throttled: number;
  readonly throttledPerReturn: number;
  readonly otherCallerThrottled: number;
  readonly drainSeconds: number;
  readonly drainRatio: number;
  readonly transitionsPerExecution: { readonly associated: number; readonly all: number };
  readonly skipReasons: Record<string, number>;
  readonly phases: Phases & { readonly otherCallerPerSecond: number; readonly otherCallerMaxPerQuarterSecond: number };
}

/**
 * Where the drain's time went, seconds after the burst was sent (from the burst's executions'
 * histories): the first and last return planned (PlanResumption done), the first and last
 * association call, how late the calls went after their slot (Associate scheduled − the
 * WaitForSlot Timestamp: the engine's own lateness), and the throttled calls in each second.
 */
interface Phases {
  readonly plannedFirst: number;
  readonly plannedLast: number;
  readonly firstCall: number;
  readonly lastCall: number;
  readonly callLateMs: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly throttlesBySecond: Record<string, number>;
}

/** The most of `times` (epoch ms) that fall in any window of `ms` (the other caller's own bunching). */
function maxPerWindow(times: readonly number[], ms: number): number {
  let best = 0;
  for (let i = 0, j = 0; j < times.length; j++) {
    while ((times[j] as number) - (times[i] as number) >= ms) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}

type History = readonly { readonly type: string; readonly timestamp: string; readonly details: Record<string, unknown> }[];

function phasesOf(histories: readonly History[], start: number): Phases {
  const at = (iso: string) => Number(((Date.parse(iso) - start) / 1000).toFixed(2));
  const planned: number[] = [];
  const calls: number[] = [];
  const late: number[] = [];
  const throttlesBySecond: Record<string, number> = {};
  for (const h of histories) {
    const plan = h.find((e) => e.type === 'TaskSucceeded' && e.details['name'] === 'PlanResumption');
    if (plan) planned.push(at(plan.timestamp));
    let slotAt: string | undefined;
    for (const e of h) {
      if (e.type === 'WaitStateEntered' && e.details['name'] === 'WaitForSlot') {
        slotAt = (JSON.parse(String(e.details['input'])) as { plan?: { slotAt?: string } }).plan?.slotAt;
      }
      if (e.type === 'TaskScheduled' && e.details['name'] === 'Associate') {
        calls.push(at(e.timestamp));
        if (slotAt !== undefined) late.push(Date.parse(e.timestamp) - Date.parse(slotAt));
      }
      if (e.type === 'TaskFailed' && e.details['name'] === 'Associate' && String(e.details['error']).includes('Throttl')) {
        const second = String(Math.floor(at(e.timestamp)));
        throttlesBySecond[second] = (throttlesBySecond[second] ?? 0) + 1;
      }
    }
  }
  late.sort((a, b) => a - b);
  const q = (f: number) => late[Math.min(late.length - 1, Math.floor(f * late.length))] ?? 0;
  const min = (xs: number[]) => xs.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);
  const max = (xs: number[]) => xs.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);
  return { plannedFirst: min(planned), plannedLast: max(planned), firstCall: min(calls), lastCall: max(calls), callLateMs: { p50: q(0.5), p99: q(0.99), max: q(1) }, throttlesBySecond };
}

async function run(budgetOn: boolean, returns: number, scale: number, otherShare: number, warmUp: number): Promise<Row> {
  const quota = { ratePerSecond: DOCUMENTED_QUOTAS.association.ratePerSecond * scale, burst: DOCUMENTED_QUOTAS.association.burst * scale };
  const budgetLimits = withHeadroom(quota, DEFAULT_HEADROOM);
  const dir = mkdtempSync(join(tmpdir(), 'chatline-burst-'));
  const stack = await startLocalStack({
    dbPath: join(dir, 'chatline.db'),
    planner: { readinessDelaySeconds: 0, lateEventGraceSeconds: graceSeconds(scale) },
    retryTimeScale: 1,
    maxEventsInFlight: 256,
    simulator: { transcriptReadySeconds: 0, rateLimits: { CreatePersistentContactAssociation: { rate: quota.ratePerSecond, burst: quota.burst }, StartChatContact: false } },
    budget: { ...DEFAULT_BUDGET_CONFIG, enabled: budgetOn, association: budgetLimits },
  });
  const clientConfig = { endpoint: stack.url, region: LOCAL_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 };
  const events = new EventBridgeClient(clientConfig);
  const other = new ConnectClient(clientConfig);
  try {
    const sim = stack.simulator;
    const instanceId = sim.createInstance();
    const pairs = await returningCustomers(sim, instanceId, returns);
    // The other caller's own association, replayed by its ClientToken: each call costs a token.
    const { contactId: otherPast } = await sim.startChat({ instanceId });
    await sim.endContact(instanceId, otherPast);
    const { contactId: otherNew } = await sim.startChat({ instanceId });
    await stack.waitForIdle();
    // The other caller: its share of the quota, evenly spaced, for the whole drain.
    const otherCalls: number[] = [];
    const otherCaller = startSteadyCaller(
      quota.ratePerSecond * otherShare,
      () => (otherCalls.push(Date.now()), other.send(new CreatePersistentContactAssociationCommand({ InstanceId: instanceId, InitialContactId: otherNew, RehydrationType: 'ENTIRE_PAST_SESSION', SourceContactId: otherPast, ClientToken: 'other-caller' }))),
      (e) => (e as { name?: string }).name === 'ThrottlingException',
    );
    await new Promise((r) => setTimeout(r, 2000)); // the other caller is already there when the burst comes
    if (warmUp > 0) {
      // A running chatline, not a cold one: a few returns on another instance, drained (and the budget
      // idle again, its burst back) just before the measured burst. Without it the engine's Connect
      // client opens its HTTP connections in the middle of the burst's ingestion, and the busy local
      // server reads new connections only seconds later (README, "burst drain"). Just before: the
      // server closes a keep-alive connection idle for 5 s (Node's default keepAliveTimeout).
      const warmInstance = sim.createInstance();
      const warm = customerReturnedEntries(warmInstance, await returningCustomers(sim, warmInstance, warmUp));
      for (let i = 0; i < warm.length; i += 10) await events.send(new PutEventsCommand({ Entries: warm.slice(i, i + 10) }));
      await stack.waitForIdle();
      // The budget's burst allowance back (and the bucket refilled) before the measured burst.
      await new Promise((r) => setTimeout(r, (budgetLimits.burst / budgetLimits.ratePerSecond) * 1000));
    }

    const before = sim.stats().apis.CreatePersistentContactAssociation.throttled;
    const otherBefore = otherCaller.throttled();

    const start = Date.now();
    const entries = customerReturnedEntries(instanceId, pairs);
    const puts = [];
    for (let i = 0; i < entries.length; i += 10) puts.push(events.send(new PutEventsCommand({ Entries: entries.slice(i, i + 10) })));
    await Promise.all(puts);
    const probe = process.env['BURST_PROBE'] === '1' ? setInterval(() => {
      const a = sim.stats().apis.CreatePersistentContactAssociation;
      process.stderr.write(`t=${Date.now() - start} ok=${a.succeeded} thr=${a.throttled - before}\n`);
    }, 250) : undefined;
    await stack.waitForIdle();
    if (probe) clearInterval(probe);
    const records = (await stack.store.listResumptions()).filter((r) => r.instanceId === instanceId);
    const lastEnd = Math.max(...records.filter((r) => r.status !== 'PLANNED').map((r) => Date.parse(r.updatedAt)));
    const drainSeconds = (lastEnd - start) / 1000;
    await otherCaller.stop();
    const throttledAll = sim.stats().apis.CreatePersistentContactAssociation.throttled - before;
    const otherCallerThrottled = otherCaller.throttled() - otherBefore;
    const throttled = throttledAll - otherCallerThrottled;

    const count = (s: string) => records.filter((r) => r.status === s).length;
    const skipReasons: Record<string, number> = {};
    for (const r of records.filter((x) => x.status === 'SKIPPED')) {
      const reason = (r.reason ?? '?').replace(/[0-9a-f-]{36}/g, '<contact>').replace(/\d+ s/g, 'N s');
      skipReasons[reason] = (skipReasons[reason] ?? 0) + 1;
    }
    const statusOf = new Map(records.map((r) => [r.contactId, r.status]));
    const burstContacts = new Set(statusOf.keys());
    const executions = stack.sfn
      .listExecutions({ stateMachineArn: stack.arns.resumeChat, limit: (returns + warmUp) * 2 })
      .filter((e) => burstContacts.has((JSON.parse(e.input) as { contactId?: string }).contactId ?? ''));
    const failed = executions.filter((e) => e.status === 'FAILED').length;
    const histories = executions.map((e) => stack.sfn.history(e.executionArn));
    const transitions = executions.map((e, i) => {
      const history = histories[i] ?? [];
      const entered = history.filter((h) => h.type.endsWith('StateEntered')).length;
      const retries = history.filter((h) => h.type === 'TaskScheduled' && h.details['retryAttempt'] !== undefined).length;
      return { status: e.status, n: entered + retries, associated: statusOf.get((JSON.parse(e.input) as { contactId?: string }).contactId ?? '') === 'ASSOCIATED' };
    });
    const mean = (xs: number[]) => (xs.length === 0 ? 0 : Number((xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(2)));
    const ideal = idealDrainSeconds({ returns, quota, otherShare, leadSeconds: graceSeconds(scale) });
    return {
      budget: budgetOn ? 'on' : 'off',
      associated: count('ASSOCIATED'),
      failed,
      skipped: count('SKIPPED'),
      notTerminal: returns - count('ASSOCIATED') - count('SKIPPED') - count('FAILED'),
      duplicates: Object.values(sim.stats().associationsByContact).filter((n) => n > 1).length,
      throttled,
      throttledPerReturn: Number((throttled / returns).toFixed(4)),
      otherCallerThrottled,
      drainSeconds: Number(drainSeconds.toFixed(2)),
      // Returns that never ended never drained: ratio 0, not the ratio of those that did.
      drainRatio: Number(drainRatio(ideal, records.length === count('ASSOCIATED') + count('SKIPPED') + count('FAILED') && records.length === returns ? drainSeconds : Number.POSITIVE_INFINITY).toFixed(3)),
      transitionsPerExecution: { associated: mean(transitions.filter((t) => t.associated).map((t) => t.n)), all: mean(transitions.map((t) => t.n)) },
      skipReasons,
      phases: {
        ...phasesOf(histories, start),
        // The other caller's share kept (calls/s over the drain; its rate is quota × share) and its own bunching.
        otherCallerPerSecond: Number((otherCalls.filter((t) => t >= start && t <= lastEnd).length / drainSeconds).toFixed(2)),
        otherCallerMaxPerQuarterSecond: maxPerWindow(otherCalls.filter((t) => t >= start), 250),
      },
    };
  } finally {
    events.destroy();
    other.destroy();
    await stack.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const returns = arg('returns', 2000);
  const scale = arg('scale', 10);
  const otherShare = arg('other-share', 0.2, 0, 0.9);
  const began = Date.now();
  const warmUp = arg('warm-up', 60, 0);
  const only = process.argv.includes('--only-on'); // experiments: the budget row alone
  const on = await run(true, returns, scale, otherShare, warmUp);
  const off = only ? undefined : await run(false, returns, scale, otherShare, warmUp);
  const quota = { ratePerSecond: 5 * scale, burst: 8 * scale };
  const targets = {
    drainRatio: on.drainRatio >= 0.95,
    throttled: on.throttled <= 0.05 * returns,
    failed: on.failed === 0,
    duplicates: on.duplicates === 0,
    terminal: on.notTerminal === 0,
  };
  const result = {
    returns,
    scale,
    quota,
    otherCallerShare: otherShare,
    warmUp,
    // The grace (5 s / scale) before any return may go, then max(0, N - burst) / the rate left.
    idealDrainSeconds: Number(idealDrainSeconds({ returns, quota, otherShare, leadSeconds: graceSeconds(scale) }).toFixed(2)),
    rows: off ? [on, off] : [on],
    targetsMet: targets,
    seconds: Number(((Date.now() - began) / 1000).toFixed(1)),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  if (!Object.values(targets).every(Boolean)) process.exitCode = 1;
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
