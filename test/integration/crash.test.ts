/**
 * Issue 4 acceptance: `chatline dev` SIGKILLed in the middle of a burst and started again on the
 * same SQLite file: zero lost events, zero duplicate associations (counted by a separate
 * `chatline sim` process), every execution terminal. More seeds: `npx tsx bench/crash-seeds.ts`.
 */
import { runCrashScenario } from '../crash/crash-scenario';

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

describe('crash and restart', () => {
  const reports: Awaited<ReturnType<typeof runCrashScenario>>[] = [];

  it.each(SEEDS)('seed %i: nothing lost, nothing associated twice, every execution ends', async (seed) => {
    const r = await runCrashScenario(seed);
    reports.push(r);
    expect(r.acceptedEvents).toBeGreaterThan(0);
    expect({ lost: r.lostEvents, duplicates: r.duplicateAssociations, notAssociated: r.notAssociated, nonTerminal: r.nonTerminalExecutions, inboxLeft: r.inboxLeft }).toEqual({
      lost: [],
      duplicates: [],
      notAssociated: [],
      nonTerminal: 0,
      inboxLeft: 0,
    });
  }, 120_000);

  it('the kills hit work in progress (the restarts continued executions)', () => {
    expect(reports).toHaveLength(SEEDS.length);
    expect(reports.filter((r) => r.recovered.executions > 0).length).toBeGreaterThan(SEEDS.length / 2);
  });
});
