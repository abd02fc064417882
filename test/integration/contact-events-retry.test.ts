/**
 * contact-events: RecordContactEvent retries Lambda.ClientExecutionTimeoutException (part of the
 * Lambda retrier AWS recommends, docs/sources.md#retriers-and-error-names), so a Lambda client
 * timeout is retried inside the execution instead of failing it (and losing the event).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventEnvelope } from '../../local/bus';
import { TaskError } from '../../local/sfn/task-bindings';
import { startTestStack } from './local-stack-harness';

const seed = readFileSync(join(__dirname, '..', '..', 'examples', 'seed-events.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as EventEnvelope);

it('three Lambda client timeouts in a row on RecordContactEvent are retried in the execution: every contact-events execution succeeds, nothing rejected, the story still resumes twice', async () => {
  const stack = await startTestStack();
  try {
    const record = stack.steps.recordContactEvent.bind(stack.steps);
    let timeouts = 0;
    stack.steps.recordContactEvent = async (input) => {
      if (timeouts < 3) {
        timeouts++;
        throw new TaskError('Lambda.ClientExecutionTimeoutException', 'Client execution did not complete before the specified timeout configuration');
      }
      return record(input);
    };
    for (const e of seed) if (e.source === 'aws.connect') stack.simulator.mirror(e);
    const deliveries = seed.map((e) => stack.bus.deliver(e).done);
    await stack.waitForIdle();
    const statuses = (await Promise.all(deliveries)).flat().map((o) => ('result' in o ? (o.result as { status?: string }).status : JSON.stringify(o)));
    expect(timeouts).toBe(3);
    expect(statuses.filter((s) => s !== 'SUCCEEDED')).toEqual([]);
    expect(await stack.store.listRejected()).toEqual([]);
    expect((await stack.store.listResumptions()).map((r) => r.status)).toEqual(['ASSOCIATED', 'ASSOCIATED']);
  } finally {
    await stack.dispose();
  }
});
