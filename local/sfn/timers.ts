/**
 * Timers for any delay. Node's setTimeout takes at most 2^31-1 ms (~24.8 days); a longer delay
 * fires after 1 ms instead (TimeoutOverflowWarning), so a Wait until a date a month away would
 * return at once and a workflow that waits again would spin. The interpreter sleeps with plain
 * setTimeout, so the engine keeps long Waits out of it: it parks the execution and continues it
 * from the Wait state when a chunked timer says the time has come (see runner.ts). Static timers
 * the engine cannot park (Task and execution TimeoutSeconds, Retry delays) are refused when the
 * definition is registered, with a clear error, instead of misbehaving at run time.
 *
 * Step Functions itself allows a Wait of up to a year for a Standard execution and 5 minutes for
 * an Express one (docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html); the engine
 * enforces neither, it only makes sure that every delay it runs is the delay asked for.
 */
import { JSONPath } from 'jsonpath-plus';
import { parseIsoInstant } from '../../core/schemas';

/** The longest delay setTimeout honours. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface Cancellable {
  cancel(): void;
}

/** Calls `fire` at epoch ms `at`, in chunks no timer overflows. */
export function timerAt(at: number, fire: () => void, now: () => number = Date.now): Cancellable {
  let handle: NodeJS.Timeout | undefined;
  const arm = (): void => {
    const left = at - now();
    if (left <= 0) {
      handle = undefined;
      fire();
      return;
    }
    handle = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
  };
  arm();
  return { cancel: () => handle && clearTimeout(handle) };
}

interface WaitState {
  Type: 'Wait';
  Seconds?: number;
  Timestamp?: string;
  SecondsPath?: string;
  TimestampPath?: string;
  InputPath?: string | null;
}

/**
 * When a Wait state entered with `input` ends (epoch ms), computed as the interpreter does; or
 * undefined when that cannot be said (the interpreter will then fail the state itself).
 */
export function waitEndsAt(state: WaitState, input: unknown, context: unknown, enteredAt: number): number | undefined {
  try {
    const effective = state.InputPath === undefined ? input : state.InputPath === null ? {} : query(state.InputPath, input, context);
    if (typeof state.Seconds === 'number') return enteredAt + state.Seconds * 1000;
    if (typeof state.Timestamp === 'string') return parseIsoInstant(state.Timestamp);
    if (typeof state.SecondsPath === 'string') {
      const s = query(state.SecondsPath, effective, context);
      return typeof s === 'number' ? enteredAt + s * 1000 : undefined;
    }
    if (typeof state.TimestampPath === 'string') {
      const t = query(state.TimestampPath, effective, context);
      return typeof t === 'string' ? parseIsoInstant(t) : undefined;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

function query(path: string, json: unknown, context: unknown): unknown {
  return path.startsWith('$$')
    ? JSONPath({ path: path.slice(1), json: (context ?? null) as never, wrap: false })
    : JSONPath({ path, json: (json ?? null) as never, wrap: false });
}

interface TimedState {
  Type?: string;
  TimeoutSeconds?: number;
  Retry?: { IntervalSeconds?: number; BackoffRate?: number; MaxAttempts?: number; MaxDelaySeconds?: number }[];
  ItemProcessor?: TimedDefinition;
  Iterator?: TimedDefinition;
  Branches?: TimedDefinition[];
}

interface TimedDefinition {
  TimeoutSeconds?: number;
  States: Record<string, TimedState>;
}

/**
 * The static timers of a definition that no setTimeout can run, as readable problems (empty when
 * the engine can run them all). A Wait is not one of them: long Waits are parked.
 */
export function unrunnableTimers(definition: TimedDefinition, where = ''): string[] {
  const problems: string[] = [];
  const tooLong = (seconds: number): boolean => seconds * 1000 > MAX_TIMER_MS;
  if (typeof definition.TimeoutSeconds === 'number' && tooLong(definition.TimeoutSeconds)) problems.push(`${where}TimeoutSeconds ${definition.TimeoutSeconds}`);
  for (const [name, state] of Object.entries(definition.States)) {
    if (typeof state.TimeoutSeconds === 'number' && tooLong(state.TimeoutSeconds)) problems.push(`${where}${name}.TimeoutSeconds ${state.TimeoutSeconds}`);
    for (const [i, r] of (state.Retry ?? []).entries()) {
      const longest = Math.min((r.IntervalSeconds ?? 1) * (r.BackoffRate ?? 2) ** Math.max(0, (r.MaxAttempts ?? 3) - 1), r.MaxDelaySeconds ?? Infinity);
      if (tooLong(longest)) problems.push(`${where}${name}.Retry[${i}] waits up to ${longest} s`);
    }
    for (const inner of [state.ItemProcessor, state.Iterator, ...(state.Branches ?? [])]) if (inner) problems.push(...unrunnableTimers(inner, `${where}${name} > `));
  }
  return problems;
}
