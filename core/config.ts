/** Configuration comes in once, typed, and fails fast. The domain never reads process.env. */
import { InvalidConfigError } from './errors';
import type { PlannerConfig } from './planner';
import { DEFAULT_PLANNER_CONFIG } from './planner';
import type { RehydrationPolicy } from './schemas';
import { REHYDRATION_POLICIES } from './schemas';

export function parsePolicy(value: string): RehydrationPolicy {
  if ((REHYDRATION_POLICIES as readonly string[]).includes(value)) return value as RehydrationPolicy;
  throw new InvalidConfigError(`rehydration policy must be one of ${REHYDRATION_POLICIES.join(', ')}; got "${value}"`);
}

export function parseSeconds(name: string, value: string): number {
  // Decimal seconds only: Number('  ') is 0 and Number('0x3c') is 60, neither is what was meant.
  const n = /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(n) || n < 0) throw new InvalidConfigError(`${name} must be a number of seconds >= 0; got "${value}"`);
  return n;
}

/** Reads REHYDRATION_POLICY, READINESS_DELAY_SECONDS, LATE_EVENT_GRACE_SECONDS and GAP_FILL_AFTER_SECONDS, with defaults. */
export function plannerConfigFromEnv(env: Readonly<Record<string, string | undefined>>): PlannerConfig {
  const policy = env['REHYDRATION_POLICY'];
  const readiness = env['READINESS_DELAY_SECONDS'];
  const grace = env['LATE_EVENT_GRACE_SECONDS'];
  const gapFill = env['GAP_FILL_AFTER_SECONDS'];
  return {
    defaultPolicy: policy ? parsePolicy(policy) : DEFAULT_PLANNER_CONFIG.defaultPolicy,
    readinessDelaySeconds: readiness ? parseSeconds('READINESS_DELAY_SECONDS', readiness) : DEFAULT_PLANNER_CONFIG.readinessDelaySeconds,
    lateEventGraceSeconds: grace ? parseSeconds('LATE_EVENT_GRACE_SECONDS', grace) : DEFAULT_PLANNER_CONFIG.lateEventGraceSeconds,
    gapFillAfterSeconds: gapFill ? parseSeconds('GAP_FILL_AFTER_SECONDS', gapFill) : DEFAULT_PLANNER_CONFIG.gapFillAfterSeconds,
  };
}
