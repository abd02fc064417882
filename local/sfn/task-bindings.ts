/**
 * Binds each Task state of a definition to a local function, by its Resource:
 *  - arn:aws:states:::lambda:invoke          → the step handler named by FunctionName, in-process
 *  - arn:aws:states:::aws-sdk:connect:<api>  → the real @aws-sdk/client-connect over HTTP
 *  - arn:aws:states:::states:startExecution  → the real @aws-sdk/client-sfn, against the local endpoint
 *  - arn:aws:states:::events:putEvents       → the real @aws-sdk/client-eventbridge, against the local endpoint
 * Errors keep the names Step Functions gives them (`Connect.ThrottlingException`,
 * `StepFunctions.ExecutionAlreadyExistsException`, a Lambda error's own name), so the same
 * Retry/Catch blocks fire locally and on AWS.
 */
import * as connect from '@aws-sdk/client-connect';
import type { ConnectClient } from '@aws-sdk/client-connect';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { EventBridgeClient, PutEventsCommandOutput, PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { SFNClient } from '@aws-sdk/client-sfn';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type TaskFn = (input: JsonValue) => Promise<JsonValue>;

export interface TaskBackends {
  /** Step handlers by function ARN (or name). */
  readonly lambdas: ReadonlyMap<string, (payload: unknown) => Promise<unknown>>;
  readonly connect: ConnectClient;
  readonly sfn: SFNClient;
  readonly events: EventBridgeClient;
  /** Called before every Connect call a task makes (the runtime counts association attempts). */
  onConnectCall?: (api: string, params: Record<string, unknown>) => Promise<void> | void;
}

interface TaskState {
  Type: string;
  Resource?: string;
  ItemProcessor?: { States: Record<string, TaskState> };
  Iterator?: { States: Record<string, TaskState> };
  Branches?: { States: Record<string, TaskState> }[];
}

/** Every state of a definition, those inside Map and Parallel included (the engine keys overrides by name). */
export function allStates(definition: { States: Record<string, TaskState> }): [string, TaskState][] {
  return Object.entries(definition.States).flatMap(([name, state]) => [
    [name, state] as [string, TaskState],
    ...[state.ItemProcessor, state.Iterator, ...(state.Branches ?? [])].flatMap((inner) => (inner ? allStates(inner) : [])),
  ]);
}

export class TaskError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

const SDK_PREFIX = 'arn:aws:states:::aws-sdk:';

export function bindTasks(definition: { States: Record<string, TaskState> }, backends: TaskBackends): Record<string, TaskFn> {
  const bound: Record<string, TaskFn> = {};
  for (const [name, state] of allStates(definition)) {
    if (state.Type !== 'Task' || !state.Resource) continue;
    bound[name] = bindResource(state.Resource, backends, name);
  }
  return bound;
}

function bindResource(resource: string, backends: TaskBackends, stateName: string): TaskFn {
  if (resource === 'arn:aws:states:::lambda:invoke') {
    return async (input) => {
      const { FunctionName, Payload } = input as { FunctionName: string; Payload: unknown };
      const fn = backends.lambdas.get(FunctionName);
      if (!fn) throw new TaskError('Lambda.ResourceNotFoundException', `Function not found: ${FunctionName}`);
      return { StatusCode: 200, Payload: toJson(await fn(Payload)) };
    };
  }
  if (resource === 'arn:aws:states:::states:startExecution') {
    return async (input) => {
      const { StateMachineArn, Name, Input } = input as { StateMachineArn: string; Name?: string; Input?: unknown };
      try {
        const out = await backends.sfn.send(
          new StartExecutionCommand({ stateMachineArn: StateMachineArn, ...(Name ? { name: Name } : {}), input: typeof Input === 'string' ? Input : JSON.stringify(Input ?? {}) }),
        );
        return { ExecutionArn: out.executionArn ?? '', StartDate: out.startDate?.toISOString() ?? '' };
      } catch (err) {
        throw asStepFunctionsError('StepFunctions', err);
      }
    };
  }
  if (resource === 'arn:aws:states:::events:putEvents') {
    return async (input) => {
      // The integration takes Detail as JSON text or as an object (which it serializes).
      const entries = ((input as { Entries: Record<string, unknown>[] }).Entries ?? []).map((e) => ({
        ...e,
        Detail: typeof e['Detail'] === 'string' ? e['Detail'] : JSON.stringify(e['Detail'] ?? {}),
      })) as PutEventsRequestEntry[];
      let out: PutEventsCommandOutput;
      try {
        out = await backends.events.send(new PutEventsCommand({ Entries: entries }));
      } catch (err) {
        throw asStepFunctionsError('EventBridge', err);
      }
      // The optimized integration fails the task when any entry failed (Step Functions Developer
      // Guide, "Add EventBridge events with Step Functions": "If the response from PutEvents
      // contains a non-zero FailedEntryCount then the Task state fails with the error
      // EventBridge.FailedEntry").
      if ((out.FailedEntryCount ?? 0) > 0) {
        const failed = (out.Entries ?? []).filter((e) => e.ErrorCode !== undefined).map((e) => ({ ErrorCode: e.ErrorCode, ErrorMessage: e.ErrorMessage }));
        throw new TaskError('EventBridge.FailedEntry', JSON.stringify({ FailedEntryCount: out.FailedEntryCount, Entries: failed }));
      }
      const { $metadata: _metadata, ...result } = out;
      return toJson(result);
    };
  }
  if (resource.startsWith(`${SDK_PREFIX}connect:`)) return bindConnect(resource.slice(`${SDK_PREFIX}connect:`.length), backends);
  throw new Error(`state ${stateName}: the local engine has no binding for Resource ${resource}`);
}

function bindConnect(api: string, backends: TaskBackends): TaskFn {
  const commandName = `${api.charAt(0).toUpperCase()}${api.slice(1)}Command`;
  const Command = (connect as unknown as Record<string, new (input: unknown) => unknown>)[commandName];
  if (!Command) throw new Error(`@aws-sdk/client-connect has no ${commandName} (from aws-sdk:connect:${api})`);
  return async (input) => {
    const params = input as Record<string, unknown>;
    await backends.onConnectCall?.(api, params);
    try {
      const output = (await backends.connect.send(new Command(params) as never)) as unknown as Record<string, unknown>;
      const { $metadata: _metadata, ...rest } = output;
      return toJson(rest);
    } catch (err) {
      throw asStepFunctionsError('Connect', err);
    }
  };
}

/**
 * Step Functions names integration errors `<Service>.<Code>Exception` (e.g. the SFN API's
 * `ExecutionAlreadyExists` surfaces as `StepFunctions.ExecutionAlreadyExistsException`);
 * transport failures are `<Service>.SdkClientException`.
 */
export function asStepFunctionsError(service: string, err: unknown): TaskError {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const served = e.$metadata?.httpStatusCode !== undefined && e.name !== undefined;
  const code = served ? (e.name as string) : 'SdkClientException';
  return new TaskError(`${service}.${code.endsWith('Exception') ? code : `${code}Exception`}`, e.message ?? String(err));
}

function toJson(value: unknown): JsonValue {
  return JSON.parse(JSON.stringify(value ?? null)) as JsonValue;
}
