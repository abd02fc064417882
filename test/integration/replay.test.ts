/**
 * Issue 2 acceptance: the seed's recorded events, shuffled and every event sent twice, give the
 * same lineage and exactly one CreatePersistentContactAssociation success per returning contact,
 * counted by the simulator. Issue 8: hostile lines are rejected with a reason and kept, never
 * abort the replay; a return whose execution failed is reported FAILED with its error.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { replayLines, replayStream } from '../../cli/replay';
import { linesOf } from '../../cli/replay-lines';
import { replayIsAsExpected } from '../../cli/replay-report';
import type { LocalStackOptions } from '../../local/stack';
import { startTestStack } from './local-stack-harness';

const seedText = readFileSync(join(__dirname, '..', '..', 'examples', 'seed-events.jsonl'), 'utf8');
const seedLines = seedText.split('\n').filter((l) => l.trim().length > 0);

async function replay(text: string, overrides: Partial<LocalStackOptions> = {}) {
  const stack = await startTestStack(overrides);
  try {
    const report = await replayLines(stack, text);
    return { report, stats: stack.simulator.stats(), kept: await stack.store.listRejected() };
  } finally {
    await stack.dispose();
  }
}

describe('chatline replay', () => {
  it('replays the seed stream in order: one session of three segments, two resumptions', async () => {
    const { report, stats } = await replay(seedText);
    expect(report.events).toEqual({ received: seedLines.length, accepted: seedLines.length, duplicates: 0, ignored: 0, rejected: 0, failed: 0 });
    expect(report.lineage).toEqual({ sessions: 3, segments: 5 });
    expect(replayIsAsExpected(report)).toBe(true);
    const past = report.sessions?.find((s) => s.segments.length === 3);
    expect(past?.segments.map((s) => s.kind)).toEqual(['initial', 'transfer', 'survey']);
    expect(report.resumptions.map((r) => r.status)).toEqual(['ASSOCIATED', 'ASSOCIATED']);
    expect(Object.values(stats.associationsByContact)).toEqual([1, 1]);
    expect(report.connect).toEqual({ associations: 2, contactsAssociatedTwice: 0 });
  });

  it('gives the same lineage and one association per returning contact for shuffled, doubled streams', async () => {
    const baseline = await replay(seedText);
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray([...seedLines, ...seedLines], { minLength: seedLines.length * 2 }), async (lines) => {
        const { report, stats } = await replay(lines.join('\n'));
        expect(report.sessions).toEqual(baseline.report.sessions);
        expect(report.events.duplicates).toBe(seedLines.length);
        expect(report.events.accepted).toBe(seedLines.length);
        expect(report.resumptions.map(({ attempts: _a, ...r }) => r)).toEqual(baseline.report.resumptions.map(({ attempts: _a, ...r }) => r));
        const successes = stats.apis.CreatePersistentContactAssociation.succeeded;
        expect(successes).toBe(2);
        expect(Object.values(stats.associationsByContact)).toEqual([1, 1]);
      }),
      { numRuns: 5, seed: 20261125 },
    );
  });

  it('rejects hostile lines with a reason, keeps them, ignores what no rule matches, and still runs the rest', async () => {
    const deep = `{"version":"0","id":"deep","detail-type":"Amazon Connect Contact Event","source":"aws.connect","time":"2026-01-01T00:00:00Z","detail":{"x":${'['.repeat(5000)}${']'.repeat(5000)}}}`;
    const forged = JSON.stringify({ version: '0', id: 'forged', 'detail-type': 'Chat Customer Returned', source: 'aws.connect', time: '2026-01-01T00:00:00Z', detail: { instanceId: 'i', contactId: 'c', customerId: 'x' } });
    const voice = JSON.stringify({ version: '0', id: 'voice', 'detail-type': 'Amazon Connect Contact Event', source: 'aws.connect', time: '2026-01-01T00:00:00Z', detail: { eventType: 'INITIATED', channel: 'VOICE', contactId: 'v1' } });
    const noContact = JSON.stringify({ version: '0', id: 'e1', 'detail-type': 'Amazon Connect Contact Event', source: 'aws.connect', time: '2026-01-01T00:00:00Z', detail: { eventType: 'INITIATED', channel: 'CHAT' } });
    // Invalid UTF-8 (0xff 0xfe) cannot be written as a JS string: the file is built from bytes.
    const badUtf8 = Buffer.concat([Buffer.from('{"version":"0","id":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const lines = [seedLines[0], '{not json', noContact, forged, deep, badUtf8, voice, '[1,2]', 'x'.repeat(300 * 1024), ...seedLines.slice(1)];
    const bytes = Buffer.concat(lines.flatMap((l) => [typeof l === 'string' ? Buffer.from(l) : (l as Buffer), Buffer.from('\n')]));
    const stack = await startTestStack();
    try {
      const report = await replayStream(stack, linesOf((async function* () { yield bytes; })()));
      const kept = await stack.store.listRejected();
      expect(report.rejected).toEqual([
        { line: 2, reason: expect.stringContaining('not JSON') },
        { line: 3, reason: expect.stringMatching(/detail\.contactId.*detail\.instanceArn/s) },
        { line: 4, reason: expect.stringContaining('aws.* sources are reserved') },
        { line: 5, reason: expect.stringContaining('nested deeper than 1000 levels') },
        { line: 6, reason: 'not valid UTF-8' },
        { line: 8, reason: expect.stringContaining('expected a JSON object') },
        { line: 9, reason: expect.stringContaining('longer than 262144 bytes') },
      ]);
      expect(report.ignored).toEqual([{ reason: expect.stringContaining('no rule matches'), lines: 1, firstLine: 7 }]);
      expect(report.events).toEqual({ received: seedLines.length + 8, accepted: seedLines.length, duplicates: 0, ignored: 1, rejected: 7, failed: 0 });
      expect(kept.map((k) => k.origin)).toEqual([2, 3, 4, 5, 6, 8, 9].map((n) => `replay line ${n}`));
      expect(report.resumptions.map((r) => r.status)).toEqual(['ASSOCIATED', 'ASSOCIATED']);
      expect(replayIsAsExpected(report)).toBe(false);
      expect(report.problems).toEqual(['7 lines rejected']);
    } finally {
      await stack.dispose();
    }
  });

  it('reports a return whose execution failed as FAILED with the execution error, not PLANNED with a blank reason', async () => {
    // Every CreatePersistentContactAssociation is throttled: the budget's throttled rounds run out and, DescribeContact showing no association, the execution fails at RecordConnectFailure.
    const { report } = await replay(seedText, {
      simulator: { transcriptReadySeconds: 0, throttling: true, rateLimits: { CreatePersistentContactAssociation: { rate: 0, burst: 0 }, DescribeContact: false, StartChatContact: false, StopContact: false, TransferContact: false, GetContactAttributes: false } },
    });
    expect(report.resumptions.map((r) => [r.status, r.execution])).toEqual([
      ['FAILED', 'FAILED'],
      ['FAILED', 'FAILED'],
    ]);
    for (const r of report.resumptions) expect(r.reason).toMatch(/^ConnectThrottledError: CreatePersistentContactAssociation .* was still throttled/);
    expect(report.failedExecutions.map((f) => [f.workflow, f.error])).toEqual([
      ['resume-chat', 'ConnectThrottledError'],
      ['resume-chat', 'ConnectThrottledError'],
    ]);
    expect(report.returns).toEqual({ FAILED: 2 });
    expect(replayIsAsExpected(report)).toBe(false);
  });
});
