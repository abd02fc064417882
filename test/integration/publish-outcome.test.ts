/**
 * Fidelity of the resume-chat workflow's error handling, on the local engine with the real SDK
 * clients over HTTP:
 *  - PublishOutcome: the optimized events:putEvents integration fails the task with
 *    EventBridge.FailedEntry when FailedEntryCount > 0. The outcome is already in the ledger, so
 *    the workflow retries, then records that the event could not be published, and succeeds.
 *  - Lambda steps retry Lambda.ClientExecutionTimeoutException (AWS's recommended Lambda retrier).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventEnvelope } from '../../local/bus';
import { ConnectClient } from '@aws-sdk/client-connect';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SFNClient } from '@aws-sdk/client-sfn';
import { LOCAL_REGION } from '../../core/constants';
import { bindTasks, TaskError } from '../../local/sfn/task-bindings';
import { startTestStack } from './local-stack-harness';

const seed = readFileSync(join(__dirname, '..', '..', 'examples', 'seed-events.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as EventEnvelope);

/** An EventBridge endpoint whose every PutEvents entry fails (HTTP 200, FailedEntryCount 1). */
async function failingEventBridge() {
  let calls = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      calls++;
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'entry failed' }] }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls: () => calls,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('resume-chat error handling', () => {
  it('retries a failed outcome entry, then records that the event was not published, keeping the outcome', async () => {
    const events = await failingEventBridge();
    const stack = await startTestStack({ eventsEndpoint: events.url });
    try {
      for (const e of seed) if (e.source === 'aws.connect') stack.simulator.mirror(e); // Connect knows the story's contacts
      for (const e of seed) stack.bus.deliver(e);
      await stack.waitForIdle();

      const resumptions = await stack.store.listResumptions();
      expect(resumptions.map((r) => r.status)).toEqual(['ASSOCIATED', 'ASSOCIATED']);
      for (const r of resumptions) expect(r.publishError).toMatch(/^EventBridge\.FailedEntry: .*InternalFailure/);
      const executions = stack.sfn.listExecutions({ stateMachineArn: stack.arns.resumeChat, limit: 100 });
      expect(executions.map((e) => e.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
      for (const e of executions) {
        const history = stack.sfn.history(e.executionArn);
        const names = history.map((h) => `${h.type}:${String(h.details['name'] ?? '')}`);
        expect(names).toEqual(expect.arrayContaining(['TaskStateEntered:RecordPublishFailure']));
        expect(history.filter((h) => h.type === 'TaskFailed' || h.type === 'TaskStateRetried').length).toBeGreaterThan(0);
      }
      expect(events.calls()).toBe(2 * 5); // per outcome: the first attempt and 4 retries
    } finally {
      await stack.dispose();
      await events.close();
    }
  });

  it("the local endpoint's own PutEvents answer (real SDK over HTTP) fails the putEvents task with EventBridge.FailedEntry when FailedEntryCount > 0", async () => {
    const stack = await startTestStack();
    const config = { endpoint: stack.url, region: LOCAL_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 };
    const clients = { connect: new ConnectClient(config), sfn: new SFNClient(config), events: new EventBridgeClient(config) };
    try {
      const tasks = bindTasks({ States: { PublishOutcome: { Type: 'Task', Resource: 'arn:aws:states:::events:putEvents' } } }, { lambdas: new Map(), ...clients });
      const entry = { Source: 'chatline', DetailType: 'Chat Resumption Succeeded', Detail: { contactId: 'c' } };
      await expect(tasks['PublishOutcome']!({ Entries: [entry] })).resolves.toMatchObject({ FailedEntryCount: 0 });
      // An entry the bus refuses (a bus that does not exist): HTTP 200 with FailedEntryCount 1.
      const err = (await tasks['PublishOutcome']!({ Entries: [{ ...entry, EventBusName: 'no-such-bus' }] }).catch((e: unknown) => e)) as Error;
      expect(err).toMatchObject({ name: 'EventBridge.FailedEntry' });
      expect(JSON.parse(err.message)).toEqual({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'ResourceNotFoundException', ErrorMessage: 'Event bus no-such-bus does not exist.' }] });
    } finally {
      for (const c of Object.values(clients)) c.destroy();
      await stack.dispose();
    }
  });

  it('retries a Lambda step that failed with Lambda.ClientExecutionTimeoutException', async () => {
    const stack = await startTestStack();
    try {
      const plan = stack.steps.planResumption.bind(stack.steps);
      let timeouts = 0;
      stack.steps.planResumption = async (input) => {
        if (timeouts++ === 0) throw new TaskError('Lambda.ClientExecutionTimeoutException', 'Client execution did not complete before the specified timeout configuration');
        return plan(input);
      };
      for (const e of seed) if (e.source === 'aws.connect') stack.simulator.mirror(e); // Connect knows the story's contacts
      for (const e of seed) stack.bus.deliver(e);
      await stack.waitForIdle();
      expect(timeouts).toBeGreaterThan(1);
      expect((await stack.store.listResumptions()).map((r) => r.status)).toEqual(['ASSOCIATED', 'ASSOCIATED']);
      expect(stack.sfn.listExecutions({ stateMachineArn: stack.arns.resumeChat, limit: 100 }).map((e) => e.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    } finally {
      await stack.dispose();
    }
  });
});
