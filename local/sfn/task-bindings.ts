/**
 * Binds each Task state of a definition to a local function, by its Resource:
 *  - arn:aws:states:::lambda:invoke          → the step handler named by FunctionName, in-process
 *  - arn:aws:states:::aws-sdk:connect:<api>  → the real @aws-sdk/client-connect over HTTP
 *  - arn:aws:states:::states:startExecution  → the real @aws-sdk/client-sfn, against the local endpoint
 *  - arn:aws:states:::events:putEvents       → the real @aws-sdk/client-eventbridge, against the local endpoint
 * When the target of startExecution or putEvents is this very process (the local stack's own
 * engine and bus), `inProcess` serves them without the HTTP round trip: the same API operation the
 * endpoint runs (its validation, its error codes) takes the request the SDK would have sent, and
 * the answer and errors come back as the SDK would have made them.
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
  /**
   * AWS JSON operations served in this process, instead of `sfn` / `events` over HTTP: called with
   * the operation name and the request body the SDK would send; they throw the service's errors as
   * `{ code, message }` (AwsApiError), as the endpoint would answer them.
   */
  readonly inProcess?: { readonly sfn?: InProcessService; readonly events?: InProcessService };
  /** Called before every Connect call a task makes (the runtime counts association attempts). */
  onConnectCall?: (api: string, params: Record<string, unknown>) => Promise<void> | void;
}

/** One AWS JSON service served in-process: operation name and request body → response body. */
export type InProcessService = (operation: string, request: Record<string, unknown>) => Promise<Record<string, unknown>>;

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
    const local = backends.inProcess?.sfn;
    return async (input) => {
      const { StateMachineArn, Name, Input } = input as { StateMachineArn: string; Name?: string; Input?: unknown };
      const request = { stateMachineArn: StateMachineArn, ...(Name ? { name: Name } : {}), input: typeof Input === 'string' ? Input : JSON.stringify(Input ?? {}) };
      if (local) {
        // The answer the SDK would have parsed: startDate in epoch seconds, read back as a Date.
        const out = await local('StartExecution', request).catch((err: unknown) => {
          throw asInProcessError('StepFunctions', err);
        });
        return { ExecutionArn: String(out['executionArn'] ?? ''), StartDate: typeof out['startDate'] === 'number' ? new Date(out['startDate'] * 1000).toISOString() : '' };
      }
      try {
        const out = await backends.sfn.send(new StartExecutionCommand(request));
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
      let out: Pick<PutEventsCommandOutput, 'FailedEntryCount' | 'Entries'>;
      const local = backends.inProcess?.events;
      try {
        out = local ? ((await local('PutEvents', { Entries: entries })) as typeof out) : await backends.events.send(new PutEventsCommand({ Entries: entries }));
      } catch (err) {
        throw local ? asInProcessError('EventBridge', err) : asStepFunctionsError('EventBridge', err);
      }
      // The optimized integration fails the task when any entry failed (Step Functions Developer
      // Guide, "Add EventBridge events with Step Functions": "If the response from PutEvents
      // contains a non-zero FailedEntryCount then the Task state fails with the error
      // EventBridge.FailedEntry").
      if ((out.FailedEntryCount ?? 0) > 0) {
        const failed = (out.Entries ?? []).filter((e) => e.ErrorCode !== undefined).map((e) => ({ ErrorCode: e.ErrorCode, ErrorMessage: e.ErrorMessage }));
        throw new TaskError('EventBridge.FailedEntry', JSON.stringify({ FailedEntryCount: out.FailedEntryCount, Entries: failed }));
      }
      const { $metadata: _metadata, ...result } = out as PutEventsCommandOutput;
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

/**
 * An in-process operation's failure, named as the SDK would have named the endpoint's answer: a
 * service error by its code (the SDK's error name is the answer's `__type`), anything else as the
 * endpoint's 500 would have read (InternalFailure).
 */
function asInProcessError(service: string, err: unknown): TaskError {
  const e = err as { code?: unknown; message?: string };
  const code = typeof e.code === 'string' ? e.code : 'InternalFailure';
  return asStepFunctionsError(service, { name: code, message: e.message ?? String(err), $metadata: { httpStatusCode: 400 } });
}

function toJson(value: unknown): JsonValue {
  return JSON.parse(JSON.stringify(value ?? null)) as JsonValue;
}
