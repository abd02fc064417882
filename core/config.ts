/** Configuration comes in once, typed, and fails fast. The domain never reads process.env. */
import type { BudgetConfig, BudgetLimits } from './budget';
import { DEFAULT_BUDGET_CONFIG, DEFAULT_HEADROOM, DOCUMENTED_QUOTAS, withHeadroom } from './budget';
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

/**
 * CHATLINE_RETENTION_SECONDS: how long the local stack keeps finished Standard executions (with
 * their history), processed-event keys and mirrored Connect events. Unset or empty: kept for
 * good (the default); Step Functions itself keeps a finished execution 90 days (7776000).
 */
export function retentionSecondsFromEnv(env: Readonly<Record<string, string | undefined>>): number | undefined {
  const value = env['CHATLINE_RETENTION_SECONDS'];
  return value === undefined || value.trim() === '' ? undefined : parseSeconds('CHATLINE_RETENTION_SECONDS', value);
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

/** What a deployment says about its quotas; the budget is derived from it (budgetConfigOf). */
export interface BudgetSettings {
  readonly enabled?: boolean;
  /** The account's CreatePersistentContactAssociation quota. @default 5/s, burst 8 (documented) */
  readonly associationQuota?: BudgetLimits;
  /** The account's DescribeContact quota. @default 10/s, burst 15 (documented) */
  readonly describeQuota?: BudgetLimits;
  /** Share of each quota left to other callers, 0 <= headroom < 1. @default 0.2 */
  readonly headroom?: number;
  readonly maxWaitSeconds?: number;
  readonly maxThrottleRounds?: number;
}

export function budgetConfigOf(settings: BudgetSettings): BudgetConfig {
  const headroom = settings.headroom ?? DEFAULT_HEADROOM;
  const problems: string[] = [];
  if (!(headroom >= 0 && headroom < 1)) problems.push(`headroom must be >= 0 and < 1; got ${headroom}`);
  for (const [name, q] of [['association quota', settings.associationQuota], ['describe quota', settings.describeQuota]] as const) {
    if (q && !(q.ratePerSecond > 0 && Number.isFinite(q.ratePerSecond))) problems.push(`${name} rate must be > 0 calls/s; got ${q.ratePerSecond}`);
    if (q && !(Number.isInteger(q.burst) && q.burst >= 1)) problems.push(`${name} burst must be a whole number >= 1; got ${q.burst}`);
  }
  const rounds = settings.maxThrottleRounds ?? DEFAULT_BUDGET_CONFIG.maxThrottleRounds;
  if (!(Number.isInteger(rounds) && rounds >= 0)) problems.push(`max throttle rounds must be a whole number >= 0; got ${rounds}`);
  const maxWait = settings.maxWaitSeconds ?? DEFAULT_BUDGET_CONFIG.maxWaitSeconds;
  if (!(maxWait >= 0)) problems.push(`max wait must be >= 0 seconds; got ${maxWait}`);
  if (problems.length > 0) throw new InvalidConfigError(`Connect call budget: ${problems.join('; ')}`);
  return {
    enabled: settings.enabled ?? true,
    association: withHeadroom(settings.associationQuota ?? DOCUMENTED_QUOTAS.association, headroom),
    describe: withHeadroom(settings.describeQuota ?? DOCUMENTED_QUOTAS.describe, headroom),
    maxWaitSeconds: maxWait,
    maxThrottleRounds: rounds,
  };
}

/** The environment variables the budget settings travel in (construct → Lambda). */
export const BUDGET_ENV = {
  enabled: 'CONNECT_BUDGET',
  associationRate: 'ASSOCIATION_QUOTA_RATE',
  associationBurst: 'ASSOCIATION_QUOTA_BURST',
  describeRate: 'DESCRIBE_QUOTA_RATE',
  describeBurst: 'DESCRIBE_QUOTA_BURST',
  headroom: 'BUDGET_HEADROOM',
  maxWaitSeconds: 'BUDGET_MAX_WAIT_SECONDS',
  maxThrottleRounds: 'BUDGET_MAX_THROTTLE_ROUNDS',
} as const;

/** Reads the BUDGET_ENV variables and derives the budget (see budgetSettingsFromEnv). */
export function budgetConfigFromEnv(env: Readonly<Record<string, string | undefined>>): BudgetConfig {
  return budgetConfigOf(budgetSettingsFromEnv(env));
}

/** Reads the BUDGET_ENV variables (each optional; CONNECT_BUDGET is "on" or "off"). */
export function budgetSettingsFromEnv(env: Readonly<Record<string, string | undefined>>): BudgetSettings {
  const num = (name: string): number | undefined => {
    const v = env[name];
    if (v === undefined || v === '') return undefined;
    const n = /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : Number.NaN;
    if (!Number.isFinite(n)) throw new InvalidConfigError(`${name} must be a number >= 0; got "${v}"`);
    return n;
  };
  const quota = (rate: string, burst: string, fallback: BudgetLimits): BudgetLimits | undefined => {
    const r = num(rate);
    const b = num(burst);
    return r === undefined && b === undefined ? undefined : { ratePerSecond: r ?? fallback.ratePerSecond, burst: b ?? fallback.burst };
  };
  const enabled = env[BUDGET_ENV.enabled];
  if (enabled !== undefined && enabled !== '' && enabled !== 'on' && enabled !== 'off') {
    throw new InvalidConfigError(`${BUDGET_ENV.enabled} must be "on" or "off"; got "${enabled}"`);
  }
  return compactSettings({
    enabled: enabled === undefined || enabled === '' ? undefined : enabled === 'on',
    associationQuota: quota(BUDGET_ENV.associationRate, BUDGET_ENV.associationBurst, DOCUMENTED_QUOTAS.association),
    describeQuota: quota(BUDGET_ENV.describeRate, BUDGET_ENV.describeBurst, DOCUMENTED_QUOTAS.describe),
    headroom: num(BUDGET_ENV.headroom),
    maxWaitSeconds: num(BUDGET_ENV.maxWaitSeconds),
    maxThrottleRounds: num(BUDGET_ENV.maxThrottleRounds),
  });
}

function compactSettings(s: { [K in keyof BudgetSettings]: BudgetSettings[K] | undefined }): BudgetSettings {
  return Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined)) as BudgetSettings;
}
