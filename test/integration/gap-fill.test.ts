/**
 * Contact events are best-effort: some never arrive. A past session that still looks unfinished
 * after the gap-fill delay is filled in once with DescribeContact (a Map of aws-sdk:connect
 * tasks through the real Connect client), and the resumption goes on.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventEnvelope } from '../../local/bus';
import { startTestStack } from './local-stack-harness';

const seed = readFileSync(join(__dirname, '..', '..', 'examples', 'seed-events.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as EventEnvelope & { detail: { contactId: string; eventType: string; initiationMethod?: string } });
const C2 = seed.find((e) => e.detail.initiationMethod === 'TRANSFER')?.detail.contactId as string;
const lostEnds = (e: (typeof seed)[number]) => e.detail.contactId === C2 && ['DISCONNECTED', 'COMPLETED'].includes(e.detail.eventType);

describe('gap fill with DescribeContact', () => {
  it('resumes both returns when the transfer segment’s DISCONNECTED and COMPLETED never arrived', async () => {
    const stack = await startTestStack({ planner: { readinessDelaySeconds: 0, lateEventGraceSeconds: 0.2, gapFillAfterSeconds: 0.1 } });
    try {
      for (const e of seed) if (e.source === 'aws.connect') stack.simulator.mirror(e); // Connect itself knows C2 ended
      for (const e of seed.filter((x) => !lostEnds(x))) stack.bus.deliver(e);
      await stack.waitForIdle();

      const resumptions = await stack.store.listResumptions();
      expect(resumptions.map((r) => r.status)).toEqual(['ASSOCIATED', 'ASSOCIATED']);
      const c2 = (await stack.store.getSegment(resumptions[0]!.instanceId, C2))?.value;
      expect(c2?.disconnectedAt).toEqual(expect.any(String));
      expect(c2?.eventTypes).not.toContain('DISCONNECTED');
      expect(stack.simulator.stats().apis.DescribeContact.succeeded).toBeGreaterThanOrEqual(1);
      const history = stack.sfn.listExecutions({ stateMachineArn: stack.arns.resumeChat, limit: 100 }).flatMap((e) => stack.sfn.history(e.executionArn).map((h) => `${h.type}:${String(h.details['name'] ?? '')}`));
      expect(history).toEqual(expect.arrayContaining(['MapStateEntered:DescribeGaps', 'TaskStateEntered:DescribeContact', 'TaskStateEntered:RecordDescribedContacts']));
    } finally {
      await stack.dispose();
    }
  });

  it('skips, with the reason, when Connect too says the session has not ended (and describes only once)', async () => {
    const stack = await startTestStack({ planner: { readinessDelaySeconds: 0, lateEventGraceSeconds: 0.2, gapFillAfterSeconds: 0.1 } });
    try {
      for (const e of seed.filter((x) => !lostEnds(x))) {
        if (e.source === 'aws.connect') stack.simulator.mirror(e); // C2 really is still active
        stack.bus.deliver(e);
      }
      await stack.waitForIdle();
      const resumptions = await stack.store.listResumptions();
      expect(resumptions.map((r) => [r.status, r.reason])).toEqual([
        ['SKIPPED', expect.stringContaining(`segment ${C2} is active`)],
        ['SKIPPED', expect.stringContaining(`segment ${C2} is active`)],
      ]);
      const describes = stack.sfn.listExecutions({ stateMachineArn: stack.arns.resumeChat, limit: 100 }).map((e) => stack.sfn.history(e.executionArn).filter((h) => h.type === 'MapStateEntered').length);
      expect(describes).toEqual([1, 1]);
    } finally {
      await stack.dispose();
    }
  });
});
