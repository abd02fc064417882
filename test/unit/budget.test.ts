import type { BudgetState } from '../../core/budget';
import { budgetFigures, currentFactor, drainRatio, idealDrainSeconds, MIN_FACTOR, recordThrottle, reserveSlots } from '../../core/budget';

const KEY = 'CreatePersistentContactAssociation';
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const limits = { ratePerSecond: 4, burst: 3 };

/** Reserves one slot at a time, `n` times, all at `now`; returns the slots as ms after T0. */
function reserveMany(n: number, now: number, start?: BudgetState): { state: BudgetState | undefined; slots: number[] } {
  let state = start;
  const slots: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = reserveSlots(state, KEY, limits, now);
    if (!r.granted) throw new Error('not granted');
    state = r.state;
    slots.push((r.slots[0] as number) - T0);
  }
  return { state, slots };
}

describe('reserveSlots (virtual scheduling)', () => {
  it('lets the burst go at once, then spaces every call by 1/rate, in reservation order', () => {
    expect(reserveMany(7, T0).slots).toEqual([0, 0, 0, 250, 500, 750, 1000]);
  });

  it('after an idle period gives the burst again, never a slot in the past', () => {
    const { state } = reserveMany(5, T0);
    expect(reserveMany(4, T0 + 60_000, state).slots).toEqual([60_000, 60_000, 60_000, 60_250]);
  });

  it('a reservation made later than the queue it joins goes after it (FIFO)', () => {
    const { state } = reserveMany(10, T0);
    expect(reserveMany(1, T0 + 100, state).slots).toEqual([2000]);
  });

  it('reserves several slots at once, spaced like single reservations', () => {
    const r = reserveSlots(undefined, KEY, limits, T0, 5);
    expect(r.granted && r.slots.map((s) => s - T0)).toEqual([0, 0, 0, 250, 500]);
  });

  it('refuses a slot further away than the wait limit and leaves the budget as it was', () => {
    const { state } = reserveMany(10, T0);
    const r = reserveSlots(state, KEY, limits, T0, 1, 1500);
    expect(r).toEqual({ granted: false, state, slotAt: T0 + 2000 });
    expect(reserveSlots(state, KEY, limits, T0, 1, 2000).granted).toBe(true);
  });
});

describe('AIMD on throttles', () => {
  it('slows down multiplicatively, at most once per burst intervals, never below the floor', () => {
    let state = recordThrottle(undefined, KEY, limits, T0);
    expect(currentFactor(state, limits, T0)).toBeCloseTo(0.7);
    state = recordThrottle(state, KEY, limits, T0 + 100);
    expect(state.factor).toBeCloseTo(0.7);
    expect(state.throttles).toHaveLength(2);
    for (let i = 1; i <= 20; i++) state = recordThrottle(state, KEY, limits, T0 + i * 750);
    expect(state.factor).toBe(MIN_FACTOR);
  });

  it('spaces calls at the slower rate, and recovers to the configured rate without throttles', () => {
    const throttled = recordThrottle(undefined, KEY, { ratePerSecond: 4, burst: 1 }, T0);
    const one = { ratePerSecond: 4, burst: 1 };
    const a = reserveSlots(throttled, KEY, one, T0);
    const b = a.granted ? reserveSlots(a.state, KEY, one, T0) : a;
    expect(b.granted && (b.slots[0] as number) - T0).toBeCloseTo(250 / 0.7, 2);
    // +2% of the rate per interval: from 0.7 back to 1 in 15 intervals at 4/s = 3.75 s.
    expect(currentFactor(throttled, one, T0 + 2000)).toBeCloseTo(0.86);
    expect(currentFactor(throttled, one, T0 + 3750)).toBe(1);
  });

  it('counts throttles of the last minute only', () => {
    let state = recordThrottle(undefined, KEY, limits, T0);
    state = recordThrottle(state, KEY, limits, T0 + 30_000);
    expect(budgetFigures(state, KEY, limits, T0 + 59_000).throttlesLastMinute).toBe(2);
    expect(budgetFigures(state, KEY, limits, T0 + 61_000).throttlesLastMinute).toBe(1);
  });
});

describe('budgetFigures', () => {
  it('reports the queue of slots still ahead and the next free slot', () => {
    const { state } = reserveMany(7, T0);
    expect(budgetFigures(state, KEY, limits, T0)).toEqual({
      key: KEY,
      configuredRatePerSecond: 4,
      burst: 3,
      ratePerSecond: 4,
      queued: 4,
      nextSlotAt: new Date(T0 + 1250).toISOString(),
      throttlesLastMinute: 0,
      reservations: 7,
    });
    expect(budgetFigures(state, KEY, limits, T0 + 10_000).queued).toBe(0);
    expect(budgetFigures(undefined, KEY, limits, T0)).toMatchObject({ queued: 0, reservations: 0, nextSlotAt: new Date(T0).toISOString() });
  });
});

describe('drain yardstick (burst-drain benchmark)', () => {
  const quota = { ratePerSecond: 50, burst: 80 };

  it('is the lead plus the returns beyond the burst at the rate the other caller leaves', () => {
    expect(idealDrainSeconds({ returns: 2000, quota, otherShare: 0.2, leadSeconds: 0.5 })).toBeCloseTo(0.5 + 1920 / 40);
  });

  it('clamps a burst no larger than the quota burst to the lead (never a negative drain)', () => {
    expect(idealDrainSeconds({ returns: 80, quota, otherShare: 0.2, leadSeconds: 0.5 })).toBe(0.5);
    expect(idealDrainSeconds({ returns: 10, quota, otherShare: 0.2, leadSeconds: 0.5 })).toBe(0.5);
    expect(idealDrainSeconds({ returns: 10, quota, otherShare: 0.2, leadSeconds: 0 })).toBe(0);
  });

  it('keeps the ratio in 0..1', () => {
    expect(drainRatio(48.5, 50)).toBeCloseTo(0.97);
    expect(drainRatio(0.5, 0.2)).toBe(1); // faster than the lead: only rounding does that
    expect(drainRatio(0, 0)).toBe(1);
    expect(drainRatio(10, Number.POSITIVE_INFINITY)).toBe(0);
    expect(drainRatio(idealDrainSeconds({ returns: 10, quota, otherShare: 1, leadSeconds: 0 }), 5)).toBe(0);
  });
});
