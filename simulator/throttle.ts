/**
 * Per-API token buckets shared by all callers (Connect limits are per API, account and Region;
 * "the burst value is the bucket size": docs/sources.md#connect-api-quotas). Rate in requests per
 * second, refilled continuously from the simulator clock.
 */
import type { ApiName } from './semantics';

export interface RateLimit {
  /** Steady-state requests per second. */
  rate: number;
  /** Bucket size (burst). */
  burst: number;
}

/**
 * Defaults. CreatePersistentContactAssociation 5/s burst 8, StartChatContact 5/s burst 8 and
 * DescribeContact 10/s burst 15 are the Amazon Connect Administrator Guide's API throttling table
 * ("Amazon Connect service quotas", API throttling quotas, per account and Region:
 * https://docs.aws.amazon.com/connect/latest/adminguide/amazon-connect-service-limits.html).
 * StopContact and GetContactAttributes use the Service Quotas rates with burst = rate (assumption);
 * TransferContact uses its 2/s rate with the guide's default burst of 5 for other operations.
 */
export const DEFAULT_RATE_LIMITS: Readonly<Record<ApiName, RateLimit>> = {
  DescribeContact: { rate: 10, burst: 15 },
  StartChatContact: { rate: 5, burst: 8 },
  StopContact: { rate: 10, burst: 10 },
  TransferContact: { rate: 2, burst: 5 },
  GetContactAttributes: { rate: 10, burst: 10 },
  CreatePersistentContactAssociation: { rate: 5, burst: 8 },
};

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    public limit: RateLimit,
    now: number,
  ) {
    this.tokens = limit.burst;
    this.last = now;
  }

  /** Take one token if available. */
  take(now: number): boolean {
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.last = Math.max(this.last, now);
    this.tokens = Math.min(this.limit.burst, this.tokens + elapsed * this.limit.rate);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }

  /** Seconds until one token is available (for a retry-after hint). */
  waitSeconds(): number {
    return this.tokens >= 1 || this.limit.rate <= 0 ? 0 : (1 - this.tokens) / this.limit.rate;
  }
}

export class Throttler {
  private readonly buckets = new Map<ApiName, TokenBucket>();

  constructor(
    private readonly now: () => number,
    private limits: Partial<Record<ApiName, RateLimit | false>>,
  ) {}

  /** false = unthrottled. */
  limitFor(api: ApiName): RateLimit | false {
    const l = this.limits[api];
    return l === undefined ? DEFAULT_RATE_LIMITS[api] : l;
  }

  setLimits(limits: Partial<Record<ApiName, RateLimit | false>>): void {
    this.limits = { ...this.limits, ...limits };
    for (const api of Object.keys(limits) as ApiName[]) this.buckets.delete(api);
  }

  allow(api: ApiName): boolean {
    const limit = this.limitFor(api);
    if (limit === false) return true;
    let b = this.buckets.get(api);
    if (!b) {
      b = new TokenBucket(limit, this.now());
      this.buckets.set(api, b);
    }
    return b.take(this.now());
  }
}
