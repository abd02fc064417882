/**
 * `chatline sim`: run the Connect simulator standalone on 127.0.0.1.
 *
 *   chatline sim [--port 4599] [--seed 1] [--rate 10 --burst 20] [--limit StartChatContact=5:8]
 *                [--no-throttle] [--fault-5xx 0.05] [--latency-ms 20] [--lost-responses 1]
 *                [--event-drop 0.01] [--event-duplicate 0.01] [--event-reorder 0.05] [--event-delay-ms 200]
 *                [--events-endpoint URL] [--transcript-ready 30] [--instance ID]
 *                [--traffic 100 --arrival-rate 0.5 --speed 60]
 *
 * runSimulatorCli(argv) takes the arguments after `sim`, starts the server, prints the URL and the
 * environment to point the SDK at it, and returns a handle; the open server keeps the process alive.
 */
import { Command, InvalidArgumentError } from 'commander';
import { type Clock, realClock, scaledClock } from './clock';
import type { FaultConfig } from './faults';
import { ConnectSimulator, type SimulatorOptions } from './index';
import type { RateLimit } from './throttle';
import { API_NAMES, type ApiName, isApiName } from './semantics';
import { runTraffic, type TrafficReport } from './traffic';

export const DEFAULT_SIM_PORT = 4599;
export const DEFAULT_SIM_INSTANCE = 'sim-instance';

export interface SimulatorCliHandle {
  sim: ConnectSimulator;
  url: string;
  /** Resolves when the generated traffic (--traffic) has finished. */
  traffic?: Promise<TrafficReport>;
  close: () => Promise<void>;
}

export interface SimulatorCliIo {
  out?: (line: string) => void;
  err?: (line: string) => void;
}

const num = (name: string, min = 0, max = Number.POSITIVE_INFINITY) => (v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a number in [${min}, ${max}]`);
  return n;
};
const int = (name: string, min = 0, max = Number.MAX_SAFE_INTEGER) => (v: string): number => {
  const n = num(name, min, max)(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`${name} must be an integer`);
  return n;
};
const prob = (name: string) => num(name, 0, 1);

function parseLimit(v: string, prev: Partial<Record<ApiName, RateLimit>> = {}): Partial<Record<ApiName, RateLimit>> {
  const m = /^([A-Za-z]+)=([0-9.]+):([0-9]+)$/.exec(v);
  const api = m?.[1];
  if (!m || api === undefined || !isApiName(api)) {
    throw new InvalidArgumentError(`--limit takes Api=rate:burst with Api one of ${API_NAMES.join(', ')}`);
  }
  return { ...prev, [api]: { rate: Number(m[2]), burst: Number(m[3]) } };
}

export interface SimulatorCliOptions {
  port: number;
  seed: number;
  rate?: number;
  burst?: number;
  limit?: Partial<Record<ApiName, RateLimit>>;
  throttle: boolean;
  fault5xx?: number;
  fault5xxApis?: string;
  latencyMs?: number;
  latencyMeanMs?: number;
  lostResponses?: number;
  eventDrop?: number;
  eventDuplicate?: number;
  eventReorder?: number;
  eventDelayMs?: number;
  eventsEndpoint?: string;
  transcriptReady: number;
  instance: string[];
  traffic?: number;
  arrivalRate: number;
  transferP: number;
  surveyP: number;
  returnP: number;
  speed: number;
}

export function simulatorCommand(): Command {
  return new Command('sim')
    .description('Run the Amazon Connect simulator on 127.0.0.1')
    .option('--port <port>', 'port (0 = ephemeral)', int('port', 0, 65535), DEFAULT_SIM_PORT)
    .option('--seed <seed>', 'seed of every random choice', int('seed'), 1)
    .option('--rate <rps>', 'rate limit of every API (requests per second)', num('rate'))
    .option('--burst <n>', 'bucket size of every API', int('burst', 1))
    .option('--limit <api=rate:burst>', 'rate limit of one API (repeatable)', parseLimit)
    .option('--no-throttle', 'turn throttling off')
    .option('--fault-5xx <p>', 'probability of 500 InternalServiceException per call', prob('fault-5xx'))
    .option('--fault-5xx-apis <list>', 'comma-separated APIs the 5xx rate applies to')
    .option('--latency-ms <ms>', 'fixed latency added to every call', num('latency-ms'))
    .option('--latency-mean-ms <ms>', 'exponential latency with this mean', num('latency-mean-ms'))
    .option('--lost-responses <n>', 'the next N successful CPCA calls commit, then answer 500', int('lost-responses'))
    .option('--event-drop <p>', 'probability a contact event is dropped', prob('event-drop'))
    .option('--event-duplicate <p>', 'probability a contact event is published twice', prob('event-duplicate'))
    .option('--event-reorder <p>', 'probability a contact event is published after the next one', prob('event-reorder'))
    .option('--event-delay-ms <ms>', 'uniform delay 0..ms before publishing each event', num('event-delay-ms'))
    .option('--events-endpoint <url>', 'publish contact events with PutEvents to this EventBridge endpoint')
    .option('--transcript-ready <s>', 'seconds after its end before a contact can be a rehydration source', num('transcript-ready'), 30)
    .option('--instance <id>', 'create this instance (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--traffic <customers>', 'generate traffic for N customers', int('traffic'))
    .option('--arrival-rate <per-second>', 'customer arrivals per second', num('arrival-rate'), 0.5)
    .option('--transfer-p <p>', 'transfer probability', prob('transfer-p'), 0.2)
    .option('--survey-p <p>', 'post-chat survey probability', prob('survey-p'), 0.3)
    .option('--return-p <p>', 'return probability', prob('return-p'), 0.5)
    .option('--speed <factor>', 'run the clock this many times faster (traffic and transcript readiness)', num('speed', 0.001), 1);
}

function toSimulatorOptions(o: SimulatorCliOptions, clock: Clock): SimulatorOptions {
  const faults: FaultConfig = {};
  if (o.fault5xx !== undefined) faults.error5xxRate = o.fault5xx;
  if (o.fault5xxApis !== undefined) {
    const apis = o.fault5xxApis.split(',').map((s) => s.trim());
    const bad = apis.filter((a) => !isApiName(a));
    if (bad.length > 0) throw new InvalidArgumentError(`unknown API in --fault-5xx-apis: ${bad.join(', ')}`);
    faults.error5xxApis = apis.filter(isApiName);
  }
  if (o.latencyMs !== undefined) faults.latency = { kind: 'fixed', ms: o.latencyMs };
  if (o.latencyMeanMs !== undefined) faults.latency = { kind: 'exponential', meanMs: o.latencyMeanMs };
  if (o.lostResponses !== undefined) faults.lostResponseAfterCommit = o.lostResponses;
  const events: NonNullable<FaultConfig['events']> = {};
  if (o.eventDrop !== undefined) events.dropRate = o.eventDrop;
  if (o.eventDuplicate !== undefined) events.duplicateRate = o.eventDuplicate;
  if (o.eventReorder !== undefined) events.reorderRate = o.eventReorder;
  if (o.eventDelayMs !== undefined) events.delay = { kind: 'uniform', minMs: 0, maxMs: o.eventDelayMs };
  if (Object.keys(events).length > 0) faults.events = events;

  const rateLimits: Partial<Record<ApiName, RateLimit>> = {};
  if (o.rate !== undefined || o.burst !== undefined) {
    for (const api of API_NAMES) {
      rateLimits[api] = { rate: o.rate ?? 10, burst: o.burst ?? Math.max(1, Math.ceil(o.rate ?? 10)) };
    }
  }
  Object.assign(rateLimits, o.limit ?? {});
  const opts: SimulatorOptions = {
    seed: o.seed,
    now: clock.now,
    throttling: o.throttle,
    rateLimits,
    faults,
    transcriptReadySeconds: o.transcriptReady,
  };
  if (o.eventsEndpoint !== undefined) opts.eventsEndpoint = o.eventsEndpoint;
  return opts;
}

/** Parses `argv` (the arguments after `sim`) and starts the simulator; bad flags throw a CommanderError. */
export async function runSimulatorCli(argv: readonly string[], io: SimulatorCliIo = {}): Promise<SimulatorCliHandle> {
  const out = io.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const err = io.err ?? ((line: string) => process.stderr.write(`${line}\n`));
  const cmd = simulatorCommand()
    .exitOverride()
    .configureOutput({ writeOut: (s) => out(s.trimEnd()), writeErr: (s) => err(s.trimEnd()) });
  cmd.parse([...argv], { from: 'user' });
  return startSimulator(cmd.opts<SimulatorCliOptions>(), io);
}

/** Starts the simulator from parsed `chatline sim` options (the command's action calls this). */
export async function startSimulator(o: SimulatorCliOptions, io: SimulatorCliIo = {}): Promise<SimulatorCliHandle> {
  const out = io.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const clock = o.speed === 1 ? realClock : scaledClock(o.speed);
  const sim = new ConnectSimulator(toSimulatorOptions(o, clock));
  const instances = o.instance && o.instance.length > 0 ? o.instance : [DEFAULT_SIM_INSTANCE];
  for (const id of instances) sim.createInstance(id);
  const url = await sim.listen(o.port);
  out(`Connect simulator listening on ${url} (seed ${o.seed}; instances: ${instances.join(', ')})`);
  out(`export AWS_ENDPOINT_URL=${url}`);
  out(`# or only for Connect: export AWS_ENDPOINT_URL_CONNECT=${url}; any region and dummy credentials work`);
  const handle: SimulatorCliHandle = { sim, url, close: () => sim.close() };
  if (o.traffic !== undefined) {
    const instanceId = instances[0] ?? DEFAULT_SIM_INSTANCE;
    handle.traffic = runTraffic(sim, {
      customers: o.traffic,
      arrivalRatePerSecond: o.arrivalRate,
      transferProbability: o.transferP,
      surveyProbability: o.surveyP,
      returnProbability: o.returnP,
      seed: o.seed,
      clock,
      instanceId,
    }).then((report) => {
      out(`traffic done: ${JSON.stringify(report)}`);
      return report;
    });
  }
  return handle;
}
