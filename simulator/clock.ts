/** Clocks: the simulator and the traffic generator read time through one of these. */

export interface Clock {
  now(): number;
  /** Resolve once now() >= ms. */
  sleepUntil(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleepUntil: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms - Date.now()))),
};

/** Time that moves only when told to (tests, fast seeded runs). */
export class VirtualClock implements Clock {
  private t: number;

  constructor(startMs = Date.UTC(2024, 4, 1, 10, 0, 0)) {
    this.t = startMs;
  }

  readonly now = (): number => this.t;

  advance(ms: number): number {
    this.t += ms;
    return this.t;
  }

  async sleepUntil(ms: number): Promise<void> {
    if (ms > this.t) this.t = ms;
  }
}

/**
 * Time running `factor` times faster from now (a 10-minute return delay takes 10 s at 60x). The
 * traffic generator schedules on it; the simulator itself keeps wall-clock time (its transcript
 * readiness shrinks by the same factor instead), because a stack reading its events would take a
 * timestamp from this clock for one in the future.
 */
export function scaledClock(factor: number, startMs = Date.now()): Clock {
  const origin = Date.now();
  const now = (): number => startMs + (Date.now() - origin) * factor;
  return {
    now,
    sleepUntil: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, (ms - now()) / factor))),
  };
}
