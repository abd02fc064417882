/**
 * Issue 2 acceptance: the seed's recorded events, shuffled and every event sent twice, give the
 * same lineage and exactly one CreatePersistentContactAssociation success per returning contact,
 * counted by the simulator.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { replayLines } from '../../cli/replay';
import { startTestStack } from './local-stack-harness';

const seedText = readFileSync(join(__dirname, '..', '..', 'examples', 'seed-events.jsonl'), 'utf8');
const seedLines = seedText.split('\n').filter((l) => l.trim().length > 0);

async function replay(text: string) {
  const stack = await startTestStack();
  try {
    const report = await replayLines(stack, text);
    return { report, stats: stack.simulator.stats() };
  } finally {
    await stack.dispose();
  }
}

describe('chatline replay', () => {
  it('replays the seed stream in order: one session of three segments, two resumptions', async () => {
    const { report, stats } = await replay(seedText);
    expect(report.events).toEqual({ received: seedLines.length, accepted: seedLines.length, duplicates: 0, rejected: [] });
    const past = report.sessions.find((s) => s.segments.length === 3);
    expect(past?.segments.map((s) => s.kind)).toEqual(['initial', 'transfer', 'survey']);
    expect(report.resumptions.map((r) => r.status)).toEqual(['ASSOCIATED', 'ASSOCIATED']);
    expect(Object.values(stats.associationsByContact)).toEqual([1, 1]);
  });

  it('gives the same lineage and one association per returning contact for shuffled, doubled streams', async () => {
    const baseline = await replay(seedText);
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray([...seedLines, ...seedLines], { minLength: seedLines.length * 2 }), async (lines) => {
        const { report, stats } = await replay(lines.join('\n'));
        expect(report.sessions).toEqual(baseline.report.sessions);
        expect(report.events.duplicates).toBe(seedLines.length);
        expect(report.resumptions.map(({ attempts: _a, ...r }) => r)).toEqual(baseline.report.resumptions.map(({ attempts: _a, ...r }) => r));
        const successes = stats.apis.CreatePersistentContactAssociation.succeeded;
        expect(successes).toBe(2);
        expect(Object.values(stats.associationsByContact)).toEqual([1, 1]);
      }),
      { numRuns: 5, seed: 20261125 },
    );
  });

  it('rejects a malformed line with its reason and still runs the rest', async () => {
    const broken = [seedLines[0], '{not json', JSON.stringify({ 'detail-type': 'Amazon Connect Contact Event', source: 'aws.connect', id: 'e1', time: '2026-01-01T00:00:00Z', detail: { eventType: 'INITIATED' } }), ...seedLines.slice(1)].join('\n');
    const { report } = await replay(broken);
    expect(report.events.rejected).toEqual([
      { line: 2, reason: expect.stringContaining('not JSON') },
      { line: 3, reason: expect.stringMatching(/detail\.contactId.*detail\.channel.*detail\.instanceArn/s) },
    ]);
    expect(report.events.accepted).toBe(seedLines.length);
    expect(report.resumptions.map((r) => r.status)).toEqual(['ASSOCIATED', 'ASSOCIATED']);
  });
});
