/**
 * simulator/scenarios.ts startSteadyCaller (the burst-drain benchmark's other caller): a steady
 * share of the quota. When the event loop was busy and its timer fired late, it makes up the
 * missed calls at twice its rate, never all at once (a late second must not become a burst that
 * empties Connect's bucket). Fake timers: the clock is moved, nothing is timed.
 */
import { startSteadyCaller } from '../../../simulator/scenarios';

describe('startSteadyCaller', () => {
  afterEach(() => jest.useRealTimers());

  it('calls evenly at its rate', async () => {
    jest.useFakeTimers({ now: 0 });
    const at: number[] = [];
    const caller = startSteadyCaller(10, async () => void at.push(Date.now()), () => false);
    await jest.advanceTimersByTimeAsync(1000);
    const stopped = caller.stop();
    await jest.advanceTimersByTimeAsync(100);
    await stopped;
    expect(at).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    expect(caller.calls()).toBe(11);
  });

  it('after a busy second, makes up the missed calls half an interval apart, not at once', async () => {
    jest.useFakeTimers({ now: 0 });
    const at: number[] = [];
    const caller = startSteadyCaller(10, async () => void at.push(Date.now()), () => false);
    await jest.advanceTimersByTimeAsync(0); // the first call, at 0
    // The loop is blocked for a second: the clock moves, no timer runs.
    jest.setSystemTime(1000);
    await jest.advanceTimersByTimeAsync(2000);
    const stopped = caller.stop();
    await jest.advanceTimersByTimeAsync(100);
    await stopped;
    const gaps = at.slice(1).map((t, i) => t - (at[i] as number));
    expect(gaps[0]).toBeGreaterThanOrEqual(1000); // the blocked second: nothing
    expect(Math.min(...gaps.slice(1))).toBe(50); // made up at twice the rate, never at once
    expect(gaps.slice(-5)).toEqual([100, 100, 100, 100, 100]); // then its own rate again
    // Its share kept: as many calls by the end as 10/s from 0 would have made.
    const end = at.at(-1) as number;
    expect(at.length).toBe(end / 100 + 1);
  });

  it('counts the answers it recognises as throttles', async () => {
    jest.useFakeTimers({ now: 0 });
    let n = 0;
    const caller = startSteadyCaller(
      10,
      async () => {
        if (n++ % 2 === 1) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      },
      (e) => (e as { name?: string }).name === 'ThrottlingException',
    );
    await jest.advanceTimersByTimeAsync(300);
    const stopped = caller.stop();
    await jest.advanceTimersByTimeAsync(100);
    await stopped;
    expect(caller.calls()).toBe(4);
    expect(caller.throttled()).toBe(2);
  });
});
