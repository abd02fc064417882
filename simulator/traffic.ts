/**
 * Traffic generator: N customers arrive (Poisson, arrivalRatePerSecond), chat with an agent, are
 * sometimes transferred, sometimes get a post-chat survey, and sometimes come back later. It drives
 * the simulator's own driving API. Seeded: every random choice is drawn when an action is
 * scheduled, and actions run in (time, sequence) order, so the same seed gives the same run.
 *
 * With a VirtualClock the run goes as fast as the simulator answers; with realClock (or a
 * scaledClock) actions happen at their scheduled wall-clock times.
 */
import { type Clock, realClock } from './clock';
import type { RehydrationType } from './contacts';
import { ConnectError } from './errors';
import { Prng } from './prng';

/** The part of ConnectSimulator the generator drives. */
export interface TrafficTarget {
  createInstance(instanceId?: string): string;
  startChat(input: {
    instanceId: string;
    customerId?: string;
    displayName?: string;
    persistentChat?: { rehydrationType: RehydrationType; sourceContactId: string };
  }): Promise<{ contactId: string; continuedFromContactId?: string }>;
  acceptContact(instanceId: string, contactId: string, agentId: string): Promise<void>;
  transferContact(instanceId: string, contactId: string, toAgentId: string): Promise<{ contactId: string }>;
  endContact(instanceId: string, contactId: string, opts?: { survey?: boolean }): Promise<{ surveyContactId?: string }>;
}

export interface Range {
  min: number;
  max: number;
}

export interface ReturnInfo {
  instanceId: string;
  customerId: string;
  /** The new chat of the returning customer. */
  contactId: string;
  /** The previous session: its initial contact and its segments, oldest first. */
  pastInitialContactId: string;
  pastContactIds: string[];
  /** Set when returnMode is 'persistent-start'. */
  continuedFromContactId?: string;
  /** Scheduled time of the return (clock ms). */
  at: number;
}

export interface TrafficOptions {
  customers: number;
  arrivalRatePerSecond: number;
  /** Probability that a chat segment is transferred to another agent (at most maxTransfers per session). Default 0.2. */
  transferProbability?: number;
  maxTransfers?: number;
  /** Probability that the session ends with a post-chat survey (disconnect flow). Default 0.3. */
  surveyProbability?: number;
  /** Probability that a customer comes back after a session. Default 0.5. */
  returnProbability?: number;
  /** Delay between the end of a session and the return. Default 60..600 s. */
  returnDelaySeconds?: Range;
  /** Sessions per customer at most (first visit included). Default 2. */
  maxVisits?: number;
  /** Wait in queue before an agent accepts. Default 1..20 s. */
  acceptDelaySeconds?: Range;
  /** Agent handling time per segment. Default 30..300 s. */
  handleSeconds?: Range;
  /** Time a customer spends in the survey. Default 10..60 s. */
  surveySeconds?: Range;
  agents?: number;
  instanceId?: string;
  seed?: number;
  clock?: Clock;
  /**
   * How a returning customer's chat starts: 'plain' (default; an orchestrator such as chatline is
   * expected to make it persistent from the INITIATED event or onReturn) or 'persistent-start'
   * (StartChatContact.PersistentChat, ENTIRE_PAST_SESSION from the previous session).
   */
  returnMode?: 'plain' | 'persistent-start';
  /** Called after a returning customer's chat started (e.g. to call CPCA through the SDK). */
  onReturn?: (info: ReturnInfo) => Promise<void> | void;
}

export interface TrafficReport {
  instanceId: string;
  sessions: number;
  contacts: number;
  transfers: number;
  surveys: number;
  returns: number;
  persistentStarts: number;
  /** Errors of actions (the run goes on). */
  errors: string[];
  startedAt: number;
  endedAt: number;
}

interface Action {
  at: number;
  seq: number;
  run: () => Promise<void>;
}

const DEFAULTS = {
  transferProbability: 0.2,
  maxTransfers: 2,
  surveyProbability: 0.3,
  returnProbability: 0.5,
  returnDelaySeconds: { min: 60, max: 600 },
  maxVisits: 2,
  acceptDelaySeconds: { min: 1, max: 20 },
  handleSeconds: { min: 30, max: 300 },
  surveySeconds: { min: 10, max: 60 },
  agents: 10,
  instanceId: 'sim-instance',
};

export async function runTraffic(target: TrafficTarget, options: TrafficOptions): Promise<TrafficReport> {
  const o = { ...DEFAULTS, ...options };
  if (!(o.customers >= 0) || !(o.arrivalRatePerSecond > 0)) throw new Error('customers >= 0 and arrivalRatePerSecond > 0 are required');
  const clock = options.clock ?? realClock;
  const prng = new Prng(options.seed ?? 1, 'traffic');
  const instanceId = target.createInstance(o.instanceId);
  const queue: Action[] = [];
  let seq = 0;
  const report: TrafficReport = {
    instanceId,
    sessions: 0,
    contacts: 0,
    transfers: 0,
    surveys: 0,
    returns: 0,
    persistentStarts: 0,
    errors: [],
    startedAt: clock.now(),
    endedAt: clock.now(),
  };

  const schedule = (at: number, run: () => Promise<void>): void => {
    queue.push({ at, seq: ++seq, run });
  };
  const secs = (r: Range): number => prng.uniform(r.min, r.max) * 1000;
  const agent = (not?: string): string => {
    if (o.agents <= 1) return 'agent-1';
    for (;;) {
      const a = `agent-${prng.int(o.agents) + 1}`;
      if (a !== not) return a;
    }
  };

  /** One session of a customer, starting with an already started contact. */
  const session = (customerId: string, visit: number, first: string, at: number): void => {
    const segments = [first];
    report.sessions++;
    // Draw the whole script of the session now, in a fixed order.
    const acceptAt = at + secs(o.acceptDelaySeconds);
    const firstAgent = agent();
    const plan: { transferAt: number; to: string }[] = [];
    let t = acceptAt;
    let lastAgent = firstAgent;
    for (let i = 0; i < o.maxTransfers && prng.chance(o.transferProbability); i++) {
      t += secs(o.handleSeconds);
      lastAgent = agent(lastAgent);
      plan.push({ transferAt: t, to: lastAgent });
    }
    const endAt = t + secs(o.handleSeconds);
    const survey = prng.chance(o.surveyProbability);
    const surveyEndAt = endAt + secs(o.surveySeconds);
    const returns = visit < o.maxVisits && prng.chance(o.returnProbability);
    const returnAt = (survey ? surveyEndAt : endAt) + secs(o.returnDelaySeconds);

    schedule(acceptAt, () => target.acceptContact(instanceId, first, firstAgent));
    for (const p of plan) {
      schedule(p.transferAt, async () => {
        const current = segments[segments.length - 1] ?? first;
        const { contactId } = await target.transferContact(instanceId, current, p.to);
        segments.push(contactId);
        report.transfers++;
        report.contacts++;
      });
    }
    schedule(endAt, async () => {
      const current = segments[segments.length - 1] ?? first;
      const { surveyContactId } = await target.endContact(instanceId, current, { survey });
      if (surveyContactId === undefined) return;
      segments.push(surveyContactId);
      report.surveys++;
      report.contacts++;
      schedule(surveyEndAt, async () => {
        await target.endContact(instanceId, surveyContactId);
      });
    });
    if (returns) {
      schedule(returnAt, async () => {
        report.returns++;
        const persistent = o.returnMode === 'persistent-start';
        const started = await target.startChat({
          instanceId,
          customerId,
          displayName: customerId,
          ...(persistent ? { persistentChat: { rehydrationType: 'ENTIRE_PAST_SESSION' as const, sourceContactId: first } } : {}),
        });
        if (started.continuedFromContactId !== undefined) report.persistentStarts++;
        report.contacts++;
        const info: ReturnInfo = {
          instanceId,
          customerId,
          contactId: started.contactId,
          pastInitialContactId: first,
          pastContactIds: [...segments],
          at: returnAt,
          ...(started.continuedFromContactId !== undefined ? { continuedFromContactId: started.continuedFromContactId } : {}),
        };
        session(customerId, visit + 1, started.contactId, returnAt);
        await options.onReturn?.(info);
      });
    }
  };

  let arrival = clock.now();
  for (let i = 0; i < o.customers; i++) {
    arrival += prng.exponential(1000 / o.arrivalRatePerSecond);
    const customerId = `customer-${i + 1}`;
    const at = arrival;
    schedule(at, async () => {
      const { contactId } = await target.startChat({ instanceId, customerId, displayName: customerId });
      report.contacts++;
      session(customerId, 1, contactId, at);
    });
  }

  while (queue.length > 0) {
    let best = 0;
    for (let i = 1; i < queue.length; i++) {
      const a = queue[i];
      const b = queue[best];
      if (a && b && (a.at < b.at || (a.at === b.at && a.seq < b.seq))) best = i;
    }
    const [next] = queue.splice(best, 1);
    if (!next) break;
    await clock.sleepUntil(next.at);
    try {
      await next.run();
    } catch (err) {
      const name = err instanceof ConnectError ? err.code : err instanceof Error ? err.name : 'Error';
      report.errors.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  report.endedAt = clock.now();
  return report;
}
