/**
 * The embedded default, assembled: one loopback HTTP endpoint (the Connect simulator's routes),
 * the SQLite store, the local bus with the CDK rule patterns, and the two workflow files run by
 * the local engine with their Task states bound to the same step handlers Lambda runs.
 */
import './polyfills';
import { ConnectClient } from '@aws-sdk/client-connect';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SFNClient } from '@aws-sdk/client-sfn';
import { Agent, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { CHATLINE_EVENT_SOURCE, DEFAULT_EVENT_BUS_NAME, LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../core/constants';
import type { BudgetConfig } from '../core/budget';
import { DEFAULT_BUDGET_CONFIG } from '../core/budget';
import type { PlannerConfig } from '../core/planner';
import { DEFAULT_PLANNER_CONFIG } from '../core/planner';
import { retentionSecondsFromEnv } from '../core/config';
import { countAssociationAttempt } from '../core/use-cases';
import { createSteps, STEP_FUNCTION_NAMES } from '../handlers/steps';
import type { Steps } from '../handlers/steps';
import type { SimulatorOptions } from '../simulator';
import { ConnectSimulator } from '../simulator';
import { renderDefinition, WORKFLOWS } from '../workflows/definitions';
import { chatlineRules } from '../workflows/event-patterns';
import { boundedRequestListener, createAwsOperations, createAwsRequestHandler } from './aws-api';
import type { RejectedInput, StepFunctionsBackend } from './aws-api';
import type { EventEnvelope } from './bus';
import { DeliverySuspended, LocalEventBus } from './bus';
import { dashboardHandler } from './dashboard';
import { EngineSuspendedError, LocalStepFunctions } from './sfn/runner';
import { bindTasks } from './sfn/task-bindings';
import type { InProcessService, TaskBackends } from './sfn/task-bindings';
import { SqliteJournal } from './store/sqlite-journal';
import { SqliteStore } from './store/sqlite-store';
import { acquireDbLock } from './store/db-lock';
import { DbPathError, PortInUseError } from './startup-errors';

export interface LocalStackOptions {
  /** SQLite file (':memory:' for throwaway runs). */
  readonly dbPath: string;
  /** Loopback port for the endpoint; 0 picks a free one. */
  readonly port?: number;
  readonly planner?: Partial<PlannerConfig>;
  /** The shared Connect call budget. @default DEFAULT_BUDGET_CONFIG (the documented quotas minus 20%) */
  readonly budget?: BudgetConfig;
  /** Scales every Retry interval of the workflow files (tests use 0.001); 1 = real timing. */
  readonly retryTimeScale?: number;
  readonly simulator?: Omit<SimulatorOptions, 'publish' | 'eventsEndpoint'>;
  readonly returnEventSource?: string;
  /**
   * Where the workflows' Connect calls go. Default: the in-process simulator on this endpoint.
   * Point it at a separate `chatline sim` (or anything speaking Connect) to keep Connect's state
   * outside this process, as the crash test does.
   */
  readonly connectEndpoint?: string;
  /**
   * Retention, like Step Functions' 90 days for finished executions and a DynamoDB TTL on the
   * dedup keys: finished executions (with their history), processed-event keys and mirrored
   * Connect events older than this are pruned, at start and then periodically. Default: the
   * CHATLINE_RETENTION_SECONDS environment variable, and when that is unset, keep all.
   */
  readonly retentionSeconds?: number;
  /** How often retention runs (default: a tenth of the retention, between 1 s and 1 h). */
  readonly retentionCheckSeconds?: number;
  /**
   * Whether the Connect events the built-in simulator sees are kept for rebuilding it after a
   * restart (default true; `chatline replay` keeps them too, so a replay stopped midway rebuilds the simulator before its unfinished executions continue).
   */
  readonly keepMirroredEvents?: boolean;
  /** Deliveries the bus runs at once, i.e. contact-events executions in flight (default 64). */
  readonly maxEventsInFlight?: number;
  /** Who holds the SQLite file, as a second stack on it is told (e.g. "chatline dev"). */
  readonly lockOwner?: string;
  /** Where the workflows' own events:putEvents tasks go. Default: this endpoint's EventBridge API. */
  readonly eventsEndpoint?: string;
  /**
   * Replaces step handlers the workflows' Lambda tasks call (default: the real ones, over the
   * store). For measurements and fault injection, never for a running chatline:
   * bench/pipeline-throughput.ts times the engine around a no-op RecordContactEvent, and
   * test/integration/ops-failed-execution.test.ts makes RecordOutcome fail.
   */
  readonly steps?: (real: Steps) => Steps;
}

/**
 * Contacts the built-in simulator keeps in memory (about 1 KB each); the rest wait in a temporary
 * SQLite file (simulator/contact-archive.ts), so a replay of a million events stays flat.
 */
const SIMULATOR_LIVE_CONTACTS = 10_000;

/** What waitForIdle throws once close() has begun: the caller's work was cut off, not finished. */
export class StackClosedError extends Error {
  override readonly name = 'StackClosedError';
  constructor() {
    super('the local stack is shutting down');
  }
}

/** What one retention pass removed. */
export interface Pruned {
  readonly executions: number;
  readonly processedKeys: number;
  readonly mirroredEvents: number;
}

export interface LocalStack {
  readonly url: string;
  readonly store: SqliteStore;
  readonly simulator: ConnectSimulator;
  readonly bus: LocalEventBus;
  readonly sfn: LocalStepFunctions;
  readonly steps: Steps;
  readonly arns: { readonly contactEvents: string; readonly resumeChat: string };
  /** What this start found unfinished in the SQLite file and continued. */
  readonly recovered: { readonly executions: number; readonly events: number; readonly unmirrored: number };
  /** Waits until the bus, the simulator's event stream and every execution are quiet. */
  waitForIdle(): Promise<void>;
  /** One retention pass now (also run on a timer when `retentionSeconds` is set). */
  prune(now?: Date): Pruned;
  close(): Promise<void>;
}

/**
 * How long the clients keep an idle keep-alive socket: less than the servers do (a Node server's
 * keepAliveTimeout is 5 s, https://nodejs.org/api/http.html#serverkeepalivetimeout; ours and
 * `chatline sim`'s keep it). A socket the client reuses just as the server closes it fails the call
 * with "read ECONNRESET": 27 of 10,762 associations of a million-event replay needed a second
 * attempt for that. Node's Agent (keepSocketAlive) takes the server's Keep-Alive hint only to
 * shorten a timeout it has; without one, an idle socket waits for the server to close it.
 */
const CLIENT_IDLE_SOCKET_MS = 4_000;

/** Clients the workflows' tasks use: one attempt each, because the workflow's Retry is the retry. */
const localClientConfig = (endpoint: string) => ({
  endpoint,
  region: LOCAL_REGION,
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  maxAttempts: 1,
  requestHandler: { httpAgent: new Agent({ keepAlive: true, timeout: CLIENT_IDLE_SOCKET_MS }) },
});

export const functionArn = (name: string): string => `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${name}`;
export const stateMachineArn = (name: string): string => `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:stateMachine:${name}`;

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  // Configuration is read before anything is opened: a bad value fails the start with nothing to close.
  const retentionSeconds = options.retentionSeconds ?? retentionSecondsFromEnv(process.env);
  const lock = acquireDbLock(options.dbPath, options.lockOwner ?? 'chatline');
  const store = openStore(options.dbPath, lock.release);
  const config: PlannerConfig = { ...DEFAULT_PLANNER_CONFIG, ...options.planner };
  const budget = options.budget ?? DEFAULT_BUDGET_CONFIG;
  const realSteps = createSteps({ store, config, budget });
  const steps = options.steps ? options.steps(realSteps) : realSteps;
  const journal = new SqliteJournal(store.db, store.batch);
  const sfn = new LocalStepFunctions({ retryTimeScale: options.retryTimeScale ?? 1, journal });
  const arns = { contactEvents: stateMachineArn(WORKFLOWS.contactEvents.name), resumeChat: stateMachineArn(WORKFLOWS.resumeChat.name) };

  const bus = new LocalEventBus({
    accountId: LOCAL_ACCOUNT_ID,
    region: LOCAL_REGION,
    busName: DEFAULT_EVENT_BUS_NAME,
    journal,
    ...(options.maxEventsInFlight !== undefined ? { maxInFlight: options.maxEventsInFlight } : {}),
    partitionKey: contactOf,
    onDeadLetter: (letter) => store.putRejected({ receivedAt: new Date().toISOString(), reason: letter.reason, event: letter.event, origin: `rule ${letter.rule}` }),
  });
  // Both rules start contact-events (Express); a delivery lasts until that execution has ended,
  // so the event stays in the inbox until then (at-least-once across a SIGKILL).
  const startContactEvents = async (event: EventEnvelope) => {
    try {
      const { executionArn } = sfn.startExecution({ stateMachineArn: arns.contactEvents, input: event });
      const done = await sfn.waitFor(executionArn);
      if (done.status === 'RUNNING') throw new DeliverySuspended();
      return done;
    } catch (err) {
      throw err instanceof EngineSuspendedError ? new DeliverySuspended() : err;
    }
  };
  const rules = chatlineRules(options.returnEventSource);
  for (const rule of rules) bus.addRule({ name: rule.name, pattern: rule.pattern, target: startContactEvents });
  const mirrors = !options.connectEndpoint && options.keepMirroredEvents !== false;
  const contactRule = rules[0]?.name;
  if (mirrors) bus.observe((event, matched) => matched.includes(contactRule as string) && journal.keepMirroredEvent(event));

  const simulator = new ConnectSimulator({
    maxLiveContacts: SIMULATOR_LIVE_CONTACTS,
    ...options.simulator,
    publish: async (entries) => void (await bus.putEvents(entries)),
  });
  const onRejected = (r: RejectedInput): Promise<void> => store.putRejected({ receivedAt: new Date().toISOString(), ...r });
  const awsApi = boundedRequestListener(createAwsRequestHandler({ sfn, bus, simulator, rules, onRejected }));
  const dashboard = dashboardHandler(store, sfn, budget, arns.resumeChat);
  const server = createServer((req, res) => {
    if (dashboard(req, res)) return;
    awsApi(req, res);
  });
  await listenOnLoopback(server, options.port ?? 0).catch((err: unknown) => {
    store.close();
    lock.release();
    throw err;
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const inProcess = inProcessServices(sfn, bus, rules, onRejected);
  const backends: TaskBackends = {
    // Every step, under the function ARN the workflows name it by (the payload is the step's input).
    lambdas: new Map(
      (Object.entries(STEP_FUNCTION_NAMES) as [keyof Steps, string][]).map(([step, name]) => [
        functionArn(name),
        (payload: unknown) => (steps[step] as (input: unknown) => Promise<unknown>)(payload),
      ]),
    ),
    connect: new ConnectClient(localClientConfig(options.connectEndpoint ?? url)),
    // The workflows' own StartExecution and PutEvents go to this endpoint's AWS APIs: served
    // in-process (the same operations, without the HTTP round trip), unless `eventsEndpoint`
    // points PutEvents elsewhere, which then goes over HTTP with the SDK client.
    sfn: new SFNClient(localClientConfig(url)),
    events: new EventBridgeClient(localClientConfig(options.eventsEndpoint ?? url)),
    inProcess: options.eventsEndpoint === undefined ? inProcess : { sfn: inProcess.sfn },
    onConnectCall: async (api, params) => {
      if (api === 'createPersistentContactAssociation') {
        await countAssociationAttempt({ store, now: () => new Date() }, { instanceId: String(params['InstanceId']), contactId: String(params['InitialContactId']) });
      }
      // A call with an effect outside this process: what led to it must be on disk first. It
      // waits for the batch's next commit (at the end of this turn), which the Connect calls
      // made meanwhile share, instead of committing once per call.
      await store.committed();
    },
  };
  const register = (key: keyof typeof WORKFLOWS, substitutions: Record<string, string>): void => {
    const definition = renderDefinition(key, substitutions as never) as StateMachineDefinition;
    const w = WORKFLOWS[key];
    sfn.register({ name: w.name, arn: stateMachineArn(w.name), type: w.type, definition, tasks: bindTasks(definition as never, backends) });
  };

  // Retention: finished executions, processed-event keys and mirrored events older than this are pruned.
  const prune = (now: Date = new Date()): Pruned => {
    if (retentionSeconds === undefined) return { executions: 0, processedKeys: 0, mirroredEvents: 0 };
    const cutoff = new Date(now.getTime() - retentionSeconds * 1000);
    const { executions, mirroredEvents } = journal.pruneBefore(cutoff);
    return { executions, mirroredEvents, processedKeys: store.pruneProcessedBefore(cutoff.toISOString()) };
  };

  let retentionTimer: NodeJS.Timeout | undefined;
  /** Stops the engine and closes what the start opened: close(), and a start that fails midway. */
  const shutdown = async (): Promise<void> => {
    if (retentionTimer) clearInterval(retentionTimer);
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve())); // no new connections
    const stopped = bus.stopDispatching();
    await sfn.suspend();
    await stopped;
    await simulator.close();
    for (const client of [backends.connect, backends.sfn, backends.events]) client.destroy();
    server.closeAllConnections();
    await serverClosed;
    store.close();
    lock.release();
  };

  let recovered: LocalStack['recovered'];
  try {
    register('contactEvents', {
      RecordContactEventFunctionArn: functionArn(STEP_FUNCTION_NAMES.recordContactEvent),
      ResumeChatStateMachineArn: arns.resumeChat,
    });
    register('resumeChat', {
      PlanResumptionFunctionArn: functionArn(STEP_FUNCTION_NAMES.planResumption),
      RecordOutcomeFunctionArn: functionArn(STEP_FUNCTION_NAMES.recordOutcome),
      RecordDescribedContactsFunctionArn: functionArn(STEP_FUNCTION_NAMES.recordDescribedContacts),
      EventBusName: DEFAULT_EVENT_BUS_NAME,
      OutcomeEventSource: CHATLINE_EVENT_SOURCE,
    });
    prune();
    // Durability: what a killed process left running continues, and accepted events are delivered.
    const unmirrored = mirrors ? remirror(simulator, journal) : 0;
    const recoveredExecutions = sfn.recover().length;
    recovered = { executions: recoveredExecutions, events: bus.recoverInbox(), unmirrored };
  } catch (err) {
    // A workflow file the engine refuses (or a recovery that fails) ends the start: what it opened
    // is closed again, so the caller's process can exit and the file can be opened again.
    await shutdown();
    throw err;
  }
  retentionTimer =
    retentionSeconds === undefined
      ? undefined
      : setInterval(() => prune(), 1000 * (options.retentionCheckSeconds ?? Math.min(3600, Math.max(1, retentionSeconds / 10)))).unref();

  let closing: Promise<void> | undefined;
  const waitForIdle = async (): Promise<void> => {
    // Two quiet rounds in a row: an execution can publish events that start more executions.
    for (let quietRounds = 0; quietRounds < 2; ) {
      // Closing: what the caller waits for was cut off (it stays in the journal), not finished.
      if (closing) throw new StackClosedError();
      await simulator.flushEvents();
      const busy = sfn.runningCount() > 0 || bus.pendingCount() > 0;
      await bus.waitForIdle();
      await sfn.waitForIdle();
      quietRounds = busy ? 0 : quietRounds + 1;
    }
  };

  return {
    url, store, simulator, bus, sfn, steps, arns, recovered, waitForIdle, prune,
    close: () => (closing ??= shutdown()),
  };
}

/**
 * The SFN and EventBridge operations for the workflows' own startExecution and putEvents tasks,
 * served in-process by the same operations as the HTTP front end (createAwsOperations), without
 * a commit before the answer (the HTTP front end commits because its answer leaves the process):
 * - StartExecution's answer goes to an execution of this process, whose later writes (its end,
 *   the inbox removal of its event) go through the same connection after this one, so none of
 *   them can be on disk without the started execution (write-batch.ts); the engine is given
 *   without its `flush`.
 * - PutEvents' answer goes to a Standard execution of this process, journaled on the same
 *   connection after the accepted events (a crash before the commit re-runs the task from its
 *   journaled state, which publishes again: at least once, as on AWS).
 */
export function inProcessServices(
  engine: LocalStepFunctions,
  bus: LocalEventBus,
  rules: ReturnType<typeof chatlineRules>,
  onRejected: (r: RejectedInput) => Promise<void>,
): { sfn: InProcessService; events: InProcessService } {
  const sfn: StepFunctionsBackend = {
    machineArns: () => engine.machineArns(),
    machine: (arn) => engine.machine(arn),
    startExecution: (input) => engine.startExecution(input),
    describeExecution: (arn) => engine.describeExecution(arn),
    listExecutions: (query) => engine.listExecutions(query),
    history: (arn) => engine.history(arn),
    stopExecution: (arn) => engine.stopExecution(arn),
  };
  const uncommittedBus = { busName: bus.busName, putEvents: (entries: Parameters<LocalEventBus['putEvents']>[0]) => bus.putEvents(entries, { commit: false }) };
  const { invoke } = createAwsOperations({ sfn, bus: uncommittedBus, rules, onRejected });
  const service =
    (prefix: string): InProcessService =>
    async (operation, request) =>
      (await invoke(`${prefix}.${operation}`, () => request)) as Record<string, unknown>;
  return { sfn: service('AWSStepFunctions'), events: service('AWSEvents') };
}

function openStore(dbPath: string, release: () => void): SqliteStore {
  try {
    return new SqliteStore(dbPath);
  } catch (err) {
    release();
    const code = (err as { code?: string }).code ?? '';
    if (code === 'SQLITE_NOTADB') throw new DbPathError(`--db ${dbPath} is not a SQLite database: pass a new file or a chatline database`);
    if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_IOERR')) {
      throw new DbPathError(`cannot open --db ${dbPath} for writing (${code}): pass a --db you can write`);
    }
    throw err;
  }
}

/** Binds 127.0.0.1 only; a taken port is a PortInUseError, not an unhandled 'error' event. */
function listenOnLoopback(server: ReturnType<typeof createServer>, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => reject(err.code === 'EADDRINUSE' ? new PortInUseError(port) : err);
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.removeListener('error', onError);
      resolve();
    });
  });
}

/** The contact an event is about (Connect events and `Chat Customer Returned` both say it as detail.contactId). */
function contactOf(event: EventEnvelope): string | undefined {
  const detail = event.detail as { contactId?: unknown } | null;
  return typeof detail?.contactId === 'string' ? detail.contactId : undefined;
}

/**
 * The in-process simulator keeps no file: after a restart it rebuilds the contacts it had from
 * the Connect contact events the journal kept (those the contact-events rule matched, pruned
 * with retention), so continued executions find them. A separate `chatline sim` keeps its own
 * state instead. Read a page at a time.
 */
function remirror(simulator: ConnectSimulator, journal: SqliteJournal): number {
  let failed = 0;
  for (let after = 0; ; ) {
    const page = journal.mirroredEvents(after, 1000);
    for (const { seq, event } of page) {
      after = seq;
      try {
        simulator.mirror(event);
      } catch {
        failed++; // counted and reported by `chatline dev`, never hidden
      }
    }
    if (page.length < 1000) return failed;
  }
}
