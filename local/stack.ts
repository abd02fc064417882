/**
 * The embedded default, assembled: one loopback HTTP endpoint (the Connect simulator's routes),
 * the SQLite store, the local bus with the CDK rule patterns, and the two workflow files run by
 * the local engine with their Task states bound to the same step handlers Lambda runs.
 */
import './polyfills';
import { ConnectClient } from '@aws-sdk/client-connect';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SFNClient } from '@aws-sdk/client-sfn';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { CHATLINE_EVENT_SOURCE, CONNECT_EVENT_SOURCE, DEFAULT_EVENT_BUS_NAME, LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../core/constants';
import type { PlannerConfig } from '../core/planner';
import { DEFAULT_PLANNER_CONFIG } from '../core/planner';
import { countAssociationAttempt } from '../core/use-cases';
import { createSteps, STEP_FUNCTION_NAMES } from '../handlers/steps';
import type { Steps } from '../handlers/steps';
import type { SimulatorOptions } from '../simulator';
import { ConnectSimulator } from '../simulator';
import { renderDefinition, WORKFLOWS } from '../workflows/definitions';
import { chatlineRules } from '../workflows/event-patterns';
import { createAwsRequestHandler } from './aws-api';
import type { EventEnvelope } from './bus';
import { LocalEventBus } from './bus';
import { dashboardHandler } from './dashboard';
import { LocalStepFunctions } from './sfn/runner';
import { bindTasks } from './sfn/task-bindings';
import type { TaskBackends } from './sfn/task-bindings';
import { SqliteJournal } from './store/sqlite-journal';
import { SqliteStore } from './store/sqlite-store';

export interface LocalStackOptions {
  /** SQLite file (':memory:' for throwaway runs). */
  readonly dbPath: string;
  /** Loopback port for the endpoint; 0 picks a free one. */
  readonly port?: number;
  readonly planner?: Partial<PlannerConfig>;
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
  /** Where the workflows' own events:putEvents tasks go. Default: this endpoint's EventBridge API. */
  readonly eventsEndpoint?: string;
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
  close(): Promise<void>;
}

/** Clients the workflows' tasks use: one attempt each, because the workflow's Retry is the retry. */
const localClientConfig = (endpoint: string) => ({
  endpoint,
  region: LOCAL_REGION,
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  maxAttempts: 1,
});

export const functionArn = (name: string): string => `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${name}`;
export const stateMachineArn = (name: string): string => `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:stateMachine:${name}`;

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const store = new SqliteStore(options.dbPath);
  const config: PlannerConfig = { ...DEFAULT_PLANNER_CONFIG, ...options.planner };
  const steps = createSteps({ store, config });
  const journal = new SqliteJournal(store.db);
  const sfn = new LocalStepFunctions({ retryTimeScale: options.retryTimeScale ?? 1, journal });
  const arns = { contactEvents: stateMachineArn(WORKFLOWS.contactEvents.name), resumeChat: stateMachineArn(WORKFLOWS.resumeChat.name) };

  const bus = new LocalEventBus({
    accountId: LOCAL_ACCOUNT_ID,
    region: LOCAL_REGION,
    busName: DEFAULT_EVENT_BUS_NAME,
    journal,
    onDeadLetter: (letter) => store.putRejected({ receivedAt: new Date().toISOString(), reason: letter.reason, event: letter.event, origin: `rule ${letter.rule}` }),
  });
  for (const rule of chatlineRules(options.returnEventSource)) {
    bus.addRule({ name: rule.name, pattern: rule.pattern, target: async (event: EventEnvelope) => void sfn.startExecution({ stateMachineArn: arns.contactEvents, input: event }) });
  }

  const simulator = new ConnectSimulator({ ...options.simulator, publish: async (entries) => void (await bus.putEvents(entries)) });
  const awsApi = createAwsRequestHandler({ sfn, bus, simulator, rules: chatlineRules(options.returnEventSource) });
  const dashboard = dashboardHandler(store, sfn);
  const server = createServer((req, res) => {
    if (dashboard(req, res)) return;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void awsApi(req, res, Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const backends: TaskBackends = {
    // Every step, under the function ARN the workflows name it by (the payload is the step's input).
    lambdas: new Map(
      (Object.entries(STEP_FUNCTION_NAMES) as [keyof Steps, string][]).map(([step, name]) => [
        functionArn(name),
        (payload: unknown) => (steps[step] as (input: unknown) => Promise<unknown>)(payload),
      ]),
    ),
    connect: new ConnectClient(localClientConfig(options.connectEndpoint ?? url)),
    // The workflows' own StartExecution and PutEvents go through this endpoint's AWS APIs.
    sfn: new SFNClient(localClientConfig(url)),
    events: new EventBridgeClient(localClientConfig(options.eventsEndpoint ?? url)),
    onConnectCall: async (api, params) => {
      if (api !== 'createPersistentContactAssociation') return;
      await countAssociationAttempt({ store, now: () => new Date() }, { instanceId: String(params['InstanceId']), contactId: String(params['InitialContactId']) });
    },
  };
  const register = (key: keyof typeof WORKFLOWS, substitutions: Record<string, string>): void => {
    const definition = renderDefinition(key, substitutions as never) as StateMachineDefinition;
    const w = WORKFLOWS[key];
    sfn.register({ name: w.name, arn: stateMachineArn(w.name), type: w.type, definition, tasks: bindTasks(definition as never, backends) });
  };
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

  // Durability: what a killed process left running continues, and accepted events are delivered.
  const recoveredExecutions = sfn.recover().length;
  const unmirrored = options.connectEndpoint ? 0 : remirror(simulator, sfn, arns.contactEvents);
  const recovered = { executions: recoveredExecutions, events: bus.recoverInbox(), unmirrored };

  const waitForIdle = async (): Promise<void> => {
    // Two quiet rounds in a row: an execution can publish events that start more executions.
    for (let quietRounds = 0; quietRounds < 2; ) {
      await simulator.flushEvents();
      const busy = sfn.listExecutions().some((e) => e.status === 'RUNNING');
      await bus.waitForIdle();
      await sfn.waitForIdle();
      quietRounds = busy ? 0 : quietRounds + 1;
    }
  };

  return {
    url, store, simulator, bus, sfn, steps, arns, recovered, waitForIdle,
    close: async () => {
      await sfn.suspend();
      await bus.waitForIdle();
      for (const client of [backends.connect, backends.sfn, backends.events]) client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      store.close();
    },
  };
}

/**
 * The in-process simulator keeps no file: after a restart it rebuilds the contacts it had from
 * the Connect events the journal holds (the inputs of contact-events executions), so continued
 * executions find them. A separate `chatline sim` keeps its own state instead.
 */
function remirror(simulator: ConnectSimulator, sfn: LocalStepFunctions, contactEventsArn: string): number {
  let failed = 0;
  for (const execution of sfn.listExecutions(contactEventsArn)) {
    const event = JSON.parse(execution.input) as { source?: string };
    if (event.source === CONNECT_EVENT_SOURCE) {
      try {
        simulator.mirror(event);
      } catch {
        failed++; // counted and reported by `chatline dev`, never hidden
      }
    }
  }
  return failed;
}
