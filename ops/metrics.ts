/**
 * Metrics over time from ledger records: per minute, returns (by the time the return was
 * detected), and associated / skipped / failed (by the time the outcome was recorded), the
 * return → association latency p50 and p99, and Connect throttles (from execution histories).
 * Pure: the records come in.
 */
import type { ResumptionStatus } from '../core/ledger';

export interface MetricRecord {
  readonly status: ResumptionStatus;
  /** When the return was detected (the return intent), else when the ledger record was created. */
  readonly returnedAt: string;
  /** When the ledger last changed (for a terminal record: when its outcome was recorded). */
  readonly updatedAt: string;
}

export interface MinuteMetrics {
  /** The minute, ISO-8601 (seconds zero). */
  readonly minute: string;
  readonly returns: number;
  readonly associated: number;
  readonly skipped: number;
  readonly failed: number;
  /** Seconds from return to association, of the associations recorded in this minute. */
  readonly latencyP50?: number;
  readonly latencyP99?: number;
  readonly throttles: number;
}

const MINUTE = 60_000;

export function minuteOf(iso: string): string {
  const ms = Date.parse(iso);
  return new Date(Math.floor(ms / MINUTE) * MINUTE).toISOString();
}

/** The nearest-rank percentile (p in 0-100) of a non-empty list. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

/**
 * One row per minute from `from` (inclusive) to `to` (exclusive), empty minutes included so a
 * chart's x axis is time. `throttles` are the times of throttled Connect calls.
 */
export function metricsPerMinute(records: readonly MetricRecord[], throttles: readonly string[], from: string, to: string): MinuteMetrics[] {
  const start = Date.parse(minuteOf(from));
  const end = Date.parse(to);
  const rows = new Map<string, { returns: number; associated: number; skipped: number; failed: number; latencies: number[]; throttles: number }>();
  for (let t = start; t < end; t += MINUTE) rows.set(new Date(t).toISOString(), { returns: 0, associated: 0, skipped: 0, failed: 0, latencies: [], throttles: 0 });
  const at = (iso: string) => rows.get(minuteOf(iso));
  for (const r of records) {
    const returned = at(r.returnedAt);
    if (returned) returned.returns++;
    const outcome = at(r.updatedAt);
    if (!outcome) continue;
    if (r.status === 'ASSOCIATED') {
      outcome.associated++;
      outcome.latencies.push(Math.max(0, (Date.parse(r.updatedAt) - Date.parse(r.returnedAt)) / 1000));
    } else if (r.status === 'SKIPPED') outcome.skipped++;
    else if (r.status === 'FAILED') outcome.failed++;
  }
  for (const t of throttles) {
    const row = at(t);
    if (row) row.throttles++;
  }
  return [...rows.entries()].map(([minute, r]) => ({
    minute,
    returns: r.returns,
    associated: r.associated,
    skipped: r.skipped,
    failed: r.failed,
    ...(r.latencies.length > 0 ? { latencyP50: percentile(r.latencies, 50), latencyP99: percentile(r.latencies, 99) } : {}),
    throttles: r.throttles,
  }));
}
