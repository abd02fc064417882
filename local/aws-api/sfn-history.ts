/**
 * GetExecutionHistory's event shapes from the engine's history: each event gets the details
 * member AWS names for its type (executionStartedEventDetails, stateEnteredEventDetails,
 * taskScheduledEventDetails{resourceType, resource, region, parameters}, ...), TaskStarted is
 * added after every TaskScheduled as Step Functions records it, and event types Step Functions
 * does not have are left out (the engine's 'FailStateFailed', 'TaskSucceeded' on leaving a
 * Catch); ids are renumbered so they stay consecutive.
 */
import type { ExecutionView, HistoryEventView, MachineView } from './backends';
import { epochSeconds } from './wire';

/** HistoryEventType values the translation emits (a subset of the API's enum). */
const AWS_TYPES = new Set([
  'ExecutionStarted', 'ExecutionSucceeded', 'ExecutionFailed', 'ExecutionAborted', 'ExecutionTimedOut', 'ExecutionRedriven',
  'TaskStateEntered', 'TaskStateExited', 'TaskStateAborted', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskFailed', 'TaskTimedOut', 'TaskSubmitted', 'TaskSubmitFailed',
  'ChoiceStateEntered', 'ChoiceStateExited', 'PassStateEntered', 'PassStateExited', 'WaitStateEntered', 'WaitStateExited', 'WaitStateAborted',
  'SucceedStateEntered', 'SucceedStateExited', 'FailStateEntered',
  'ParallelStateEntered', 'ParallelStateExited', 'ParallelStateStarted', 'ParallelStateSucceeded', 'ParallelStateFailed', 'ParallelStateAborted',
  'MapStateEntered', 'MapStateExited', 'MapStateStarted', 'MapStateSucceeded', 'MapStateFailed', 'MapStateAborted',
]);

export interface HistoryContext {
  readonly execution: ExecutionView;
  /** The engine's events for the execution, oldest first. */
  readonly history: readonly HistoryEventView[];
  readonly machine: MachineView | undefined;
  readonly region: string;
  readonly roleArn: string;
  readonly includeExecutionData: boolean;
  /** StopExecution's error/cause when the engine does not keep them. */
  readonly stopReason?: { error?: string; cause?: string } | undefined;
}

interface StateDef {
  Type?: string;
  Resource?: string;
  Parameters?: unknown;
  InputPath?: string | null;
}

export function awsHistory(ctx: HistoryContext): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const states = ((ctx.machine?.definition as { States?: Record<string, StateDef> } | undefined)?.States ?? {}) as Record<string, StateDef>;
  const lastInput = new Map<string, string>();
  /** The last task event per state: a 'TaskSucceeded' right after a 'TaskFailed' is the engine's exit from a Catch, not a success. */
  const lastTask = new Map<string, string>();
  const push = (source: HistoryEventView, type: string, details: Record<string, unknown> | undefined): void => {
    const id = out.length + 1;
    const event: Record<string, unknown> = { id, previousEventId: id - 1, timestamp: epochSeconds(source.timestamp), type };
    if (details) event[detailsMember(type)] = details;
    out.push(event);
  };
  const data = (member: string, value: unknown): Record<string, unknown> =>
    ctx.includeExecutionData ? { [member]: typeof value === 'string' ? value : JSON.stringify(value ?? null), [`${member}Details`]: { truncated: false } } : {};
  const errorCause = (d: Record<string, unknown>): Record<string, unknown> => ({
    ...(d['error'] !== undefined ? { error: String(d['error']) } : {}),
    ...(d['cause'] !== undefined ? { cause: String(d['cause']) } : {}),
  });

  for (const e of ctx.history) {
    const d = e.details ?? {};
    const name = typeof d['name'] === 'string' ? d['name'] : '';
    const previousTaskEvent = lastTask.get(name);
    if (e.type.startsWith('Task') && !e.type.startsWith('TaskState')) lastTask.set(name, e.type === 'TaskSucceeded' && previousTaskEvent === 'TaskFailed' ? 'TaskFailed' : e.type);
    const state = states[name];
    const task = taskResource(state?.Resource);
    if (e.type.endsWith('StateEntered') && AWS_TYPES.has(e.type)) {
      if (typeof d['input'] === 'string') lastInput.set(name, d['input']);
      push(e, e.type, { name, ...data('input', d['input']) });
    } else if (e.type.endsWith('StateExited') && AWS_TYPES.has(e.type)) {
      push(e, e.type, { name, ...data('output', d['output']) });
    } else {
      switch (e.type) {
        case 'ExecutionStarted':
          push(e, e.type, { ...data('input', d['input'] ?? ctx.execution.input), roleArn: ctx.roleArn });
          break;
        case 'ExecutionSucceeded':
          push(e, e.type, data('output', d['output'] ?? ctx.execution.output));
          break;
        case 'ExecutionFailed':
        case 'ExecutionTimedOut':
          push(e, e.type, errorCause(d));
          break;
        case 'ExecutionAborted':
          push(e, e.type, errorCause({ ...ctx.stopReason, ...d }));
          break;
        case 'ExecutionRedriven':
          push(e, e.type, { redriveCount: typeof d['redriveCount'] === 'number' ? d['redriveCount'] : (ctx.execution.redriveCount ?? 1) });
          break;
        case 'TaskScheduled': {
          const parameters = d['parameters'] !== undefined ? d['parameters'] : resolveParameters(state, lastInput.get(name), ctx, name);
          push(e, 'TaskScheduled', {
            resourceType: task.resourceType,
            resource: task.resource,
            region: ctx.region,
            parameters: typeof parameters === 'string' ? parameters : JSON.stringify(parameters ?? {}),
            ...(typeof state === 'object' && typeof (state as { TimeoutSeconds?: unknown }).TimeoutSeconds === 'number' ? { timeoutInSeconds: (state as { TimeoutSeconds: number }).TimeoutSeconds } : {}),
          });
          push(e, 'TaskStarted', { resourceType: task.resourceType, resource: task.resource });
          break;
        }
        case 'TaskSucceeded':
          if (previousTaskEvent === 'TaskFailed') break;
          push(e, e.type, { resourceType: task.resourceType, resource: task.resource, ...data('output', d['output']) });
          break;
        case 'TaskFailed':
        case 'TaskTimedOut':
          push(e, e.type, { resourceType: task.resourceType, resource: task.resource, ...errorCause(d) });
          break;
        default:
          if (AWS_TYPES.has(e.type) && !e.type.startsWith('Task')) push(e, e.type, undefined);
      }
    }
  }
  return out;
}

function detailsMember(type: string): string {
  if (type.endsWith('StateEntered')) return 'stateEnteredEventDetails';
  if (type.endsWith('StateExited')) return 'stateExitedEventDetails';
  return `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`;
}

/** `arn:aws:states:::aws-sdk:connect:createPersistentContactAssociation` → {resourceType 'aws-sdk:connect', resource 'createPersistentContactAssociation'}. */
export function taskResource(resource: string | undefined): { resourceType: string; resource: string } {
  if (!resource) return { resourceType: 'unknown', resource: 'unknown' };
  const integration = /^arn:aws[a-z-]*:states:::(.+):([^:]+)$/.exec(resource);
  if (integration) return { resourceType: integration[1] as string, resource: integration[2] as string };
  const service = /^arn:aws[a-z-]*:([a-z0-9-]+):/.exec(resource);
  return { resourceType: service?.[1] ?? 'unknown', resource };
}

/**
 * The effective Parameters of a Task from its input, for the JSONPath subset the workflow files
 * use (`$`, `$.a.b`, `$$.Execution.*`, `$$.State.Name`, `$$.StateMachine.*`). An intrinsic
 * function or a path outside that subset leaves the template text in place.
 */
function resolveParameters(state: StateDef | undefined, inputText: string | undefined, ctx: HistoryContext, stateName: string): unknown {
  if (!state) return {};
  let input: unknown = {};
  try {
    input = inputText === undefined ? {} : JSON.parse(inputText);
  } catch {
    input = {};
  }
  if (typeof state.InputPath === 'string') input = jsonPath(state.InputPath, input, ctx, stateName) ?? input;
  if (state.Parameters === undefined) return input;
  return resolveTemplate(state.Parameters, input, ctx, stateName);
}

function resolveTemplate(template: unknown, input: unknown, ctx: HistoryContext, stateName: string): unknown {
  if (Array.isArray(template)) return template.map((t) => resolveTemplate(t, input, ctx, stateName));
  if (typeof template !== 'object' || template === null) return template;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$') && typeof value === 'string') {
      const resolved = jsonPath(value, input, ctx, stateName);
      out[key.slice(0, -2)] = resolved === undefined ? value : resolved;
    } else {
      out[key] = resolveTemplate(value, input, ctx, stateName);
    }
  }
  return out;
}

function jsonPath(path: string, input: unknown, ctx: HistoryContext, stateName: string): unknown {
  let root: unknown = input;
  let rest: string;
  if (path.startsWith('$$')) {
    root = {
      Execution: { Id: ctx.execution.executionArn, Name: ctx.execution.name, StartTime: ctx.execution.startDate.toISOString(), Input: safeParse(ctx.execution.input), RoleArn: ctx.roleArn },
      State: { Name: stateName },
      StateMachine: { Id: ctx.execution.stateMachineArn, Name: ctx.machine?.name },
    };
    rest = path.slice(2);
  } else if (path.startsWith('$')) {
    rest = path.slice(1);
  } else {
    return undefined;
  }
  if (rest === '') return root;
  if (!/^(\.[A-Za-z0-9_-]+)+$/.test(rest)) return undefined;
  let v: unknown = root;
  for (const key of rest.slice(1).split('.')) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
