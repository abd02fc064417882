/**
 * `chatline dev` paired with a Connect simulator other than its built-in one:
 *  - `--with-sim [--sim-args "<sim options>"]`: a `chatline sim` in the same process, on its own port; its
 *    contact events go to this stack with PutEvents over HTTP, and the workflows' Connect calls
 *    go to it, as with a separate process, but started, wired and stopped with dev;
 *  - `--connect-endpoint URL` of a separate `chatline sim`: dev reads its GET /_sim/config.
 * Either way dev follows the simulator's --speed: its delays (readiness, late-event grace, gap
 * fill, workflow retries) take 1/speed as long, as the simulator's do. Timestamps are wall-clock
 * time on both sides.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CommanderError } from 'commander';
import { get } from 'node:http';
import { LOCAL_REGION } from '../core/constants';
import type { SimulatorConfig, SimulatorOptions } from '../simulator';
import { simulatorCommand, startSimulator } from '../simulator/main';
import type { SimulatorCliHandle, SimulatorCliOptions } from '../simulator/main';
import { UsageError } from './preflight';

/** `--sim-args` (empty: the simulator on an ephemeral port, no traffic) as chatline sim's options. */
export function parseWithSim(simArgs: string, devReadinessSeconds: number, freshSeed: () => number): SimulatorCliOptions {
  const argv = simArgs.split(/\s+/).filter((a) => a.length > 0);
  const cmd = simulatorCommand()
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  try {
    cmd.parse(argv, { from: 'user' });
  } catch (err) {
    const message = err instanceof CommanderError ? err.message.replace(/^error: /, '') : String(err);
    throw new UsageError(`--sim-args "${argv.join(' ')}": ${message} (its options are chatline sim's: chatline sim --help)`);
  }
  const o = cmd.opts<SimulatorCliOptions>();
  if (o.eventsEndpoint !== undefined) throw new UsageError('--with-sim sends the simulator\'s events to this stack: leave --events-endpoint out of --sim-args');
  const given = (name: string): boolean => cmd.getOptionValueSource(name) === 'cli';
  return {
    ...o,
    port: given('port') ? o.port : 0,
    // A kept --db holds the contacts of earlier runs: ids must not repeat unless asked to.
    seed: given('seed') ? o.seed : freshSeed(),
    // Both sides on one clock: a transcript is ready when dev's readiness delay says it is.
    transcriptReady: given('transcriptReady') ? o.transcriptReady : devReadinessSeconds,
  };
}

/** Refuses a pairing in which every association would fail "not ready". */
export function checkReadiness(simTranscriptReadySeconds: number, devReadinessSeconds: number): string | undefined {
  if (simTranscriptReadySeconds <= devReadinessSeconds) return undefined;
  return `the simulator makes a transcript ready ${simTranscriptReadySeconds} s after a chat ends but dev associates after --readiness ${devReadinessSeconds} s, so associations would fail as not ready: pass --readiness ${simTranscriptReadySeconds} (or a lower --transcript-ready)`;
}

export interface PairedSimulator {
  readonly handle: SimulatorCliHandle;
  /** Starts delivering the simulator's events to the stack, once it listens. */
  attach(stackUrl: string): void;
  close(): Promise<void>;
}

/** Starts the simulator first (the stack needs its URL); its events wait until attach(). */
export async function startPairedSimulator(o: SimulatorCliOptions, say: (line: string) => void): Promise<PairedSimulator> {
  let client: EventBridgeClient | undefined;
  let attached: (c: EventBridgeClient) => void = () => undefined;
  const ready = new Promise<EventBridgeClient>((resolve) => (attached = resolve));
  const publish: NonNullable<SimulatorOptions['publish']> = async (entries) => {
    const out = await (await ready).send(new PutEventsCommand({ Entries: entries }));
    if ((out.FailedEntryCount ?? 0) > 0) throw new Error(`PutEvents: ${out.FailedEntryCount} failed entries`);
  };
  const handle = await startSimulator(o, { out: (line) => say(`sim: ${line}`) }, { publish, banner: false });
  return {
    handle,
    attach: (stackUrl) => {
      client = new EventBridgeClient({ endpoint: stackUrl, region: LOCAL_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
      attached(client);
    },
    close: async () => {
      await handle.close();
      client?.destroy();
    },
  };
}

/** GET /_sim/config of a separate `chatline sim` (undefined for anything else answering there). */
export function readSimulatorConfig(url: string, timeoutMs = 3000): Promise<SimulatorConfig | undefined> {
  return new Promise((resolve) => {
    const req = get(new URL('/_sim/config', url), { timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Partial<SimulatorConfig>;
          resolve(res.statusCode === 200 && typeof body.speed === 'number' && typeof body.transcriptReadySeconds === 'number' ? (body as SimulatorConfig) : undefined);
        } catch {
          resolve(undefined);
        }
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}
