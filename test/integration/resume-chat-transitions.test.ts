/**
 * What a happy-path resume-chat execution costs: Standard workflows are billed per state
 * transition (docs/sources.md#prices-in-us-east-1), so the states it enters are counted from
 * GetExecutionHistory, read with the real Step Functions client over HTTP. The return is planned
 * once (transcript readiness and the late-event grace folded into its slot), so the first step is
 * not a wait followed by a second plan; the slot is confirmed when it comes (ConfirmTurn: an ended
 * chat is skipped, a late app event re-plans): 11 states, against the 12 of wait-and-plan-again.
 */
import { GetExecutionHistoryCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_REGION } from '../../core/constants';
import type { EventEnvelope } from '../../local/bus';
import { startTestStack } from './local-stack-harness';

const seed = readFileSync(join(__dirname, '..', '..', 'examples', 'seed-events.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as EventEnvelope);

const HAPPY_PATH = ['PlanResumption', 'Decide', 'WaitForSlot', 'ConfirmTurn', 'ReadyToCall', 'Associate', 'Associated', 'RecordOutcome', 'PublishOutcome', 'IsFailure', 'Done'];

it('a happy-path resume-chat execution enters 11 states (≤ 12 Standard transitions): no wait before the plan', async () => {
  const stack = await startTestStack({ planner: { readinessDelaySeconds: 0, lateEventGraceSeconds: 1 } });
  const sfn = new SFNClient({ endpoint: stack.url, region: LOCAL_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    for (const e of seed) if (e.source === 'aws.connect') stack.simulator.mirror(e); // Connect knows the story's contacts
    for (const e of seed) stack.bus.deliver(e);
    await stack.waitForIdle();

    const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: stack.arns.resumeChat }));
    const executions = listed.executions ?? [];
    expect(executions.map((e) => e.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect((await stack.store.listResumptions()).map((r) => r.status)).toEqual(['ASSOCIATED', 'ASSOCIATED']);
    for (const e of executions) {
      const events: HistoryEvent[] = [];
      let nextToken: string | undefined;
      do {
        const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn: e.executionArn, ...(nextToken ? { nextToken } : {}) }));
        events.push(...(page.events ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
      const entered = events.filter((h) => h.type?.endsWith('StateEntered')).map((h) => h.stateEnteredEventDetails?.name);
      const retries = events.filter((h) => h.type === 'TaskFailed').length;
      expect(entered).toEqual(HAPPY_PATH);
      expect(entered.length + retries).toBeLessThanOrEqual(12);
      // The Wait is for a whole second: Step Functions reads a Timestamp to the second.
      const wait = events.find((h) => h.type === 'WaitStateEntered');
      const slotAt = (JSON.parse(wait?.stateEnteredEventDetails?.input ?? '{}') as { plan?: { slotAt?: string } }).plan?.slotAt ?? '';
      expect(slotAt).toMatch(/T\d\d:\d\d:\d\d\.000Z$/);
    }
  } finally {
    sfn.destroy();
    await stack.dispose();
  }
}, 30_000);
