/**
 * local/sfn/timers.ts: no delay the engine arms can overflow setTimeout (2^31-1 ms, ~24.8 days,
 * past which Node fires after 1 ms), however far away the time asked for; and Wait end times are
 * read as instants (offsets and fractions honoured).
 */
import { MAX_TIMER_MS, timerAt, unrunnableTimers, waitEndsAt } from '../../local/sfn/timers';

const DAY_MS = 24 * 3600 * 1000;

describe('timerAt', () => {
  afterEach(() => jest.useRealTimers());

  it.each([30, 365, 10 * 365])('fires once, on time, %i days ahead, arming no timer longer than 2^31-1 ms', async (days) => {
    const start = Date.UTC(2026, 0, 1);
    jest.useFakeTimers({ now: start });
    const armed: number[] = [];
    const real = global.setTimeout;
    const spy = jest.spyOn(global, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
      armed.push(ms ?? 0);
      return real(fn, ms);
    }) as typeof setTimeout);
    const fired: number[] = [];
    timerAt(start + days * DAY_MS, () => fired.push(Date.now()));
    await jest.advanceTimersByTimeAsync(days * DAY_MS - 1);
    expect(fired).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(fired).toEqual([start + days * DAY_MS]);
    expect(Math.max(...armed)).toBeLessThanOrEqual(MAX_TIMER_MS);
    expect(armed.length).toBe(Math.ceil((days * DAY_MS) / MAX_TIMER_MS));
    spy.mockRestore();
  });

  it('a time already past fires at once; cancel stops a chunked timer', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const fired: string[] = [];
    timerAt(0, () => fired.push('past'));
    const t = timerAt(1_000_000 + 60 * DAY_MS, () => fired.push('late'));
    await jest.advanceTimersByTimeAsync(30 * DAY_MS);
    t.cancel();
    await jest.advanceTimersByTimeAsync(60 * DAY_MS);
    expect(fired).toEqual(['past']);
  });
});

describe('waitEndsAt', () => {
  const entered = Date.UTC(2026, 0, 1);
  it.each([
    [{ Type: 'Wait', Seconds: 5 }, {}, entered + 5000],
    [{ Type: 'Wait', Timestamp: '2026-03-01T12:00:00+02:00' }, {}, Date.UTC(2026, 2, 1, 10)],
    [{ Type: 'Wait', TimestampPath: '$.at' }, { at: '2026-03-01T10:00:00.250Z' }, Date.UTC(2026, 2, 1, 10, 0, 0, 250)],
    [{ Type: 'Wait', SecondsPath: '$.s' }, { s: 40 * 24 * 3600 }, entered + 40 * DAY_MS],
    [{ Type: 'Wait', TimestampPath: '$.at' }, { at: 'not a time' }, undefined],
    [{ Type: 'Wait', TimestampPath: '$.missing' }, {}, undefined],
  ])('%j with %j ends at %s', (state, input, expected) => {
    expect(waitEndsAt(state as never, input, {}, entered)).toBe(expected);
  });
});

describe('unrunnableTimers', () => {
  it('names static timers past setTimeout (a Wait is not one: long Waits are parked)', () => {
    const def = {
      TimeoutSeconds: 30 * 24 * 3600,
      States: {
        Hold: { Type: 'Wait' },
        Call: { Type: 'Task', TimeoutSeconds: 60, Retry: [{ IntervalSeconds: 3600, BackoffRate: 10, MaxAttempts: 5 }] },
        Capped: { Type: 'Task', Retry: [{ IntervalSeconds: 3600, BackoffRate: 10, MaxAttempts: 5, MaxDelaySeconds: 3600 }] },
      },
    };
    expect(unrunnableTimers(def)).toEqual(['TimeoutSeconds 2592000', 'Call.Retry[0] waits up to 36000000 s']);
  });
});
