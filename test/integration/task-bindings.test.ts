/**
 * The workflows' own `states:startExecution` and `events:putEvents` tasks are bound to the real
 * SDK clients and go over HTTP (here to a recording server), and SDK errors become the names
 * Step Functions gives integration errors, which the workflows' Catch blocks match. Served
 * in-process by the local stack (its own engine and bus), they answer and fail exactly as the
 * same calls over HTTP to the stack's endpoint.
 */
import { ConnectClient } from '@aws-sdk/client-connect';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SFNClient } from '@aws-sdk/client-sfn';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsApiError } from '../../local/aws-api';
import { bindTasks } from '../../local/sfn/task-bindings';
import type { InProcessService } from '../../local/sfn/task-bindings';
import { inProcessServices } from '../../local/stack';
import { chatlineRules } from '../../workflows/event-patterns';
import { startTestStack } from './local-stack-harness';

async function recordingServer(answer: (target: string) => { status: number; body: unknown }) {
  const seen: { target: string; body: unknown }[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target']);
      seen.push({ target, body: JSON.parse(raw || '{}') });
      const { status, body } = answer(target);
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const config = (endpoint: string) => ({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
const definition = {
  States: {
    Start: { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution' },
    Publish: { Type: 'Task', Resource: 'arn:aws:states:::events:putEvents' },
  },
};

describe('task bindings', () => {
  it('sends StartExecution and PutEvents over HTTP with the real clients', async () => {
    const server = await recordingServer((target) =>
      target.startsWith('AWSStepFunctions')
        ? { status: 200, body: { executionArn: 'arn:aws:states:us-east-1:000000000000:execution:m:n', startDate: 1764000000 } }
        : { status: 200, body: { FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] } },
    );
    try {
      const tasks = bindTasks(definition, { lambdas: new Map(), connect: new ConnectClient(config(server.url)), sfn: new SFNClient(config(server.url)), events: new EventBridgeClient(config(server.url)) });
      await expect(tasks['Start']!({ StateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:m', Name: 'n', Input: { a: 1 } })).resolves.toEqual({
        ExecutionArn: 'arn:aws:states:us-east-1:000000000000:execution:m:n',
        StartDate: '2025-11-24T16:00:00.000Z',
      });
      await expect(tasks['Publish']!({ Entries: [{ Source: 's', DetailType: 'd', Detail: { b: 2 } }] })).resolves.toEqual({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] });
      expect(server.seen).toEqual([
        { target: 'AWSStepFunctions.StartExecution', body: { stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:m', name: 'n', input: '{"a":1}' } },
        { target: 'AWSEvents.PutEvents', body: { Entries: [{ Source: 's', DetailType: 'd', Detail: '{"b":2}' }] } },
      ]);
    } finally {
      await server.close();
    }
  });

  it('names an ExecutionAlreadyExists answer StepFunctions.ExecutionAlreadyExistsException, and a dead endpoint SdkClientException', async () => {
    const server = await recordingServer(() => ({ status: 400, body: { __type: 'ExecutionAlreadyExists', message: 'Execution Already Exists' } }));
    try {
      const tasks = bindTasks(definition, { lambdas: new Map(), connect: new ConnectClient(config(server.url)), sfn: new SFNClient(config(server.url)), events: new EventBridgeClient(config(server.url)) });
      await expect(tasks['Start']!({ StateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:m', Name: 'n' })).rejects.toMatchObject({ name: 'StepFunctions.ExecutionAlreadyExistsException' });
    } finally {
      await server.close();
    }
    const dead = bindTasks(definition, { lambdas: new Map(), connect: new ConnectClient(config(server.url)), sfn: new SFNClient(config(server.url)), events: new EventBridgeClient(config(server.url)) });
    await expect(dead['Publish']!({ Entries: [{ Source: 's', DetailType: 'd', Detail: '{}' }] })).rejects.toMatchObject({ name: 'EventBridge.SdkClientException' });
  });
  it('fails PutEvents with EventBridge.FailedEntry when an entry failed, as the optimized integration does', async () => {
    const server = await recordingServer(() => ({
      status: 200,
      body: { FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }] },
    }));
    try {
      const tasks = bindTasks(definition, { lambdas: new Map(), connect: new ConnectClient(config(server.url)), sfn: new SFNClient(config(server.url)), events: new EventBridgeClient(config(server.url)) });
      const err = await tasks['Publish']!({ Entries: [{ Source: 's', DetailType: 'd', Detail: '{}' }] }).catch((e: unknown) => e as Error);
      expect(err).toMatchObject({ name: 'EventBridge.FailedEntry' });
      expect(JSON.parse((err as Error).message)).toEqual({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }] });
    } finally {
      await server.close();
    }
  });

  it('serves StartExecution and PutEvents in-process when bound to this process, with the bodies, answers and error names of the HTTP path', async () => {
    const seen: { target: string; body: unknown }[] = [];
    const served = (prefix: string, answer: () => Record<string, unknown>): InProcessService => async (op, request) => {
      seen.push({ target: `${prefix}.${op}`, body: JSON.parse(JSON.stringify(request)) });
      return answer();
    };
    const clients = { connect: new ConnectClient(config('http://127.0.0.1:9')), sfn: new SFNClient(config('http://127.0.0.1:9')), events: new EventBridgeClient(config('http://127.0.0.1:9')) };
    const tasks = bindTasks(definition, {
      lambdas: new Map(),
      ...clients,
      inProcess: {
        sfn: served('AWSStepFunctions', () => ({ executionArn: 'arn:aws:states:us-east-1:000000000000:execution:m:n', startDate: 1764000000 })),
        events: served('AWSEvents', () => ({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] })),
      },
    });
    // The same answers as the HTTP test above (nothing listens on port 9: any HTTP call would fail).
    await expect(tasks['Start']!({ StateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:m', Name: 'n', Input: { a: 1 } })).resolves.toEqual({
      ExecutionArn: 'arn:aws:states:us-east-1:000000000000:execution:m:n',
      StartDate: '2025-11-24T16:00:00.000Z',
    });
    await expect(tasks['Publish']!({ Entries: [{ Source: 's', DetailType: 'd', Detail: { b: 2 } }] })).resolves.toEqual({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] });
    expect(seen).toEqual([
      { target: 'AWSStepFunctions.StartExecution', body: { stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:m', name: 'n', input: '{"a":1}' } },
      { target: 'AWSEvents.PutEvents', body: { Entries: [{ Source: 's', DetailType: 'd', Detail: '{"b":2}' }] } },
    ]);

    const refusing = bindTasks(definition, {
      lambdas: new Map(),
      ...clients,
      inProcess: {
        sfn: async () => {
          throw new AwsApiError('ExecutionAlreadyExists', 'Execution Already Exists');
        },
        events: async () => ({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }] }),
      },
    });
    await expect(refusing['Start']!({ StateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:m', Name: 'n' })).rejects.toMatchObject({ name: 'StepFunctions.ExecutionAlreadyExistsException', message: 'Execution Already Exists' });
    await expect(refusing['Publish']!({ Entries: [{ Source: 's', DetailType: 'd', Detail: '{}' }] })).rejects.toMatchObject({ name: 'EventBridge.FailedEntry' });
    const broken = bindTasks(definition, { lambdas: new Map(), ...clients, inProcess: { events: async () => Promise.reject(new TypeError('bug')) } });
    await expect(broken['Publish']!({ Entries: [{ Source: 's', DetailType: 'd', Detail: '{}' }] })).rejects.toMatchObject({ name: 'EventBridge.InternalFailureException', message: 'bug' });
  });
});

describe('task bindings served in-process by a local stack', () => {
  it('answer and fail exactly as the same tasks over HTTP to the stack endpoint do', async () => {
    const stack = await startTestStack();
    const clients = { connect: new ConnectClient(config(stack.url)), sfn: new SFNClient(config(stack.url)), events: new EventBridgeClient(config(stack.url)) };
    try {
      const rejected: string[] = [];
      const onRejected = async (r: { reason: string }): Promise<void> => void rejected.push(r.reason);
      const overHttp = bindTasks(definition, { lambdas: new Map(), ...clients });
      const inProcess = bindTasks(definition, {
        lambdas: new Map(),
        ...clients,
        inProcess: inProcessServices(stack.sfn, stack.bus, chatlineRules(), onRejected),
      });
      const outcome = (p: Promise<unknown>): Promise<unknown> => p.then((value) => ({ value }), (e: Error) => ({ error: e.name, message: e.message }));
      // A finished Standard execution: starting its name again with another input is ExecutionAlreadyExists.
      const first = (await overHttp['Start']!({ StateMachineArn: stack.arns.resumeChat, Name: 'dup-1', Input: {} })) as { ExecutionArn: string };
      await stack.sfn.waitFor(first.ExecutionArn);
      const cases: [string, Record<string, unknown>][] = [
        ['Start', { StateMachineArn: stack.arns.resumeChat, Name: 'dup-1', Input: { other: true } }],
        ['Start', { StateMachineArn: stack.arns.resumeChat, Name: 'bad name', Input: {} }],
        ['Start', { StateMachineArn: `${stack.arns.resumeChat}-missing`, Name: 'n', Input: {} }],
        ['Start', { StateMachineArn: 'not-an-arn', Name: 'n', Input: {} }],
        ['Publish', { Entries: [{ Source: 's', DetailType: 'd', Detail: '[1]' }] }],
        ['Publish', { Entries: [{ Source: 's', Detail: '{}' }] }],
        ['Publish', { Entries: [] }],
        ['Publish', { Entries: [{ Source: 'chatline.test', DetailType: 'Unrouted', Detail: '{"a":1}' }] }],
      ];
      for (const [task, input] of cases) {
        const http = await outcome(overHttp[task]!(input as never));
        const local = await outcome(inProcess[task]!(input as never));
        // Event ids differ per call; everything else is the same answer.
        const sameShape = (o: unknown): unknown => JSON.parse(JSON.stringify(o).replace(/"EventId":"[^"]+"/g, '"EventId":"<id>"'));
        expect({ task, input, answer: sameShape(local) }).toEqual({ task, input, answer: sameShape(http) });
      }
      // Both paths kept the refused requests (the endpoint in the stack's store, in-process via onRejected).
      expect(rejected.length).toBeGreaterThan(0);
    } finally {
      for (const c of Object.values(clients)) c.destroy();
      await stack.dispose();
    }
  });
});
