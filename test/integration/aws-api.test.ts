/**
 * The local endpoint speaks AWS: the real SDK clients, configured only through AWS_ENDPOINT_URL
 * (no `endpoint` option), drive EventBridge, Step Functions and the Connect simulator on one port.
 */
import { ConnectClient, DescribeContactCommand } from '@aws-sdk/client-connect';
import { DescribeRuleCommand, EventBridgeClient, ListRulesCommand, PutEventsCommand, TestEventPatternCommand } from '@aws-sdk/client-eventbridge';
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  RedriveExecutionCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { DescribeExecutionCommandOutput, ExecutionStatus, HistoryEvent } from '@aws-sdk/client-sfn';
import { CUSTOMER_RETURNED_DETAIL_TYPE, DEFAULT_RETURN_EVENT_SOURCE, LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../../core/constants';
import type { EventEnvelope } from '../../local/bus';
import { stateMachineArn } from '../../local/stack';
import { contactEventPattern, customerReturnedPattern } from '../../workflows/event-patterns';
import { startTestStack } from './local-stack-harness';

type Stack = Awaited<ReturnType<typeof startTestStack>>;

const ENV_KEYS = ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_SFN', 'AWS_ENDPOINT_URL_EVENTBRIDGE', 'AWS_ENDPOINT_URL_CONNECT', 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'];

/** A Standard machine that stays RUNNING for a while, and an Express one (name-dedup tests). */
const HOLD = { name: 'aws-api-test-hold', arn: stateMachineArn('aws-api-test-hold') };
const HOLD_EXPRESS = { name: 'aws-api-test-hold-express', arn: stateMachineArn('aws-api-test-hold-express') };
const holdDefinition = (seconds: number) => ({ StartAt: 'Hold', States: { Hold: { Type: 'Wait', Seconds: seconds, Next: 'Done' }, Done: { Type: 'Succeed' } } }) as never;

let stack: Stack;
let savedEnv: Record<string, string | undefined>;
let sfn: SFNClient;
let events: EventBridgeClient;
let connect: ConnectClient;
let instanceId: string;
const customerId = 'customer-aws-api';
let pastContact: string;

beforeAll(async () => {
  stack = await startTestStack();
  savedEnv = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
  for (const k of ENV_KEYS) delete process.env[k];
  Object.assign(process.env, { AWS_ENDPOINT_URL: stack.url, AWS_REGION: LOCAL_REGION, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
  sfn = new SFNClient({});
  events = new EventBridgeClient({});
  connect = new ConnectClient({});
  stack.sfn.register({ ...HOLD, type: 'STANDARD', definition: holdDefinition(30), tasks: {} });
  stack.sfn.register({ ...HOLD_EXPRESS, type: 'EXPRESS', definition: holdDefinition(0), tasks: {} });

  // A past, ended session for the returning customer.
  instanceId = stack.simulator.createInstance();
  ({ contactId: pastContact } = await stack.simulator.startChat({ instanceId, customerId, displayName: 'Customer' }));
  await stack.simulator.acceptContact(instanceId, pastContact, 'agent-1');
  await stack.simulator.endContact(instanceId, pastContact);
  await stack.waitForIdle();
});

afterAll(async () => {
  for (const c of [sfn, events, connect]) c?.destroy();
  for (const [k, v] of Object.entries(savedEnv ?? {})) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await stack?.dispose();
});

/** A new chat for the returning customer, announced with client-eventbridge; resolves when the stack is idle. */
async function customerReturns(): Promise<string> {
  const { contactId } = await stack.simulator.startChat({ instanceId, customerId, displayName: 'Customer' });
  const out = await events.send(
    new PutEventsCommand({
      Entries: [{ Source: DEFAULT_RETURN_EVENT_SOURCE, DetailType: CUSTOMER_RETURNED_DETAIL_TYPE, Detail: JSON.stringify({ instanceId, contactId, customerId, previousContactId: pastContact }) }],
    }),
  );
  expect(out.FailedEntryCount).toBe(0);
  expect(out.Entries?.[0]?.EventId).toEqual(expect.any(String));
  await stack.waitForIdle();
  return contactId;
}

/** The resume-chat execution for a contact, found the way a user would: ListExecutions (paged) + DescribeExecution. */
async function resumeExecutionFor(contactId: string, statusFilter?: ExecutionStatus): Promise<DescribeExecutionCommandOutput> {
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new ListExecutionsCommand({ stateMachineArn: stack.arns.resumeChat, maxResults: 1, ...(statusFilter ? { statusFilter } : {}), ...(nextToken ? { nextToken } : {}) }));
    for (const e of page.executions ?? []) {
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn: e.executionArn }));
      if ((JSON.parse(d.input ?? '{}') as { contactId?: string }).contactId === contactId) return d;
    }
    nextToken = page.nextToken;
  } while (nextToken);
  throw new Error(`no resume-chat execution for ${contactId}`);
}

async function history(executionArn: string, extra: { reverseOrder?: boolean; maxResults?: number } = {}): Promise<HistoryEvent[]> {
  const all: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, ...extra, ...(nextToken ? { nextToken } : {}) }));
    all.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return all;
}

async function rejection(p: Promise<unknown>): Promise<{ name: string; message: string; $metadata: { httpStatusCode?: number; requestId?: string } }> {
  try {
    await p;
  } catch (e) {
    return e as never;
  }
  throw new Error('expected the call to fail');
}

describe('Step Functions through AWS_ENDPOINT_URL', () => {
  it('a Chat Customer Returned event put with client-eventbridge starts resume-chat; ListExecutions finds it; GetExecutionHistory speaks AWS', async () => {
    const contactId = await customerReturns();
    const d = await resumeExecutionFor(contactId);
    expect(d).toMatchObject({ status: 'SUCCEEDED', stateMachineArn: stack.arns.resumeChat, redriveStatus: 'NOT_REDRIVABLE' });
    expect(d.executionArn).toMatch(new RegExp(`^arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:execution:[^:]+:${d.name}$`));
    expect(d.startDate).toBeInstanceOf(Date);
    expect(d.stopDate!.getTime()).toBeGreaterThanOrEqual(d.startDate!.getTime());
    expect(Math.abs(d.startDate!.getTime() - Date.now())).toBeLessThan(60_000);
    expect(JSON.parse(d.output!)).toEqual(expect.any(Object));

    const h = await history(d.executionArn!);
    expect(h.map((e) => e.id)).toEqual(h.map((_, i) => i + 1));
    expect(h.map((e) => e.previousEventId)).toEqual(h.map((_, i) => i));
    expect(h.every((e) => e.timestamp instanceof Date)).toBe(true);
    expect(h[0]).toMatchObject({ type: 'ExecutionStarted', executionStartedEventDetails: { input: d.input, roleArn: expect.stringMatching(/^arn:aws:iam::000000000000:role\//) } });
    expect(h.at(-1)).toMatchObject({ type: 'ExecutionSucceeded', executionSucceededEventDetails: { output: d.output } });
    const types = h.map((e) => e.type);
    expect(types.slice(1, 5)).toEqual(['TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded']);
    expect(h[1]).toMatchObject({ stateEnteredEventDetails: { name: 'PlanResumption', input: d.input } });
    expect(JSON.parse(h[2]!.taskScheduledEventDetails!.parameters!)).toMatchObject({ FunctionName: expect.stringContaining(':function:'), Payload: { instanceId, contactId } });
    expect(h[2]!.taskScheduledEventDetails).toMatchObject({ resourceType: 'lambda', resource: 'invoke', region: LOCAL_REGION });
    const associate = h.find((e) => e.type === 'TaskScheduled' && e.taskScheduledEventDetails?.resourceType === 'aws-sdk:connect');
    expect(associate?.taskScheduledEventDetails).toMatchObject({ resource: 'createPersistentContactAssociation' });
    expect(JSON.parse(associate!.taskScheduledEventDetails!.parameters!)).toMatchObject({ InstanceId: instanceId, InitialContactId: contactId, ClientToken: expect.any(String) });
    expect(h.find((e) => e.type === 'TaskSucceeded' && e.taskSucceededEventDetails?.resource === 'createPersistentContactAssociation')?.taskSucceededEventDetails?.output).toContain('ContinuedFromContactId');
    expect(types).toEqual(expect.arrayContaining(['ChoiceStateEntered', 'WaitStateEntered', 'PassStateEntered', 'TaskStateExited', 'SucceedStateEntered']));

    // reverseOrder and small pages give the same events.
    const reversed = await history(d.executionArn!, { reverseOrder: true, maxResults: 3 });
    expect(reversed.map((e) => e.id)).toEqual([...h].reverse().map((e) => e.id));
    expect(reversed[0]?.type).toBe('ExecutionSucceeded');
  });

  it('an association that exhausts its retries fails the execution at RecordConnectFailure once DescribeContact shows no association; the history shows TaskFailed; RedriveExecution keeps the ARN', async () => {
    await fetch(`${stack.url}/_sim/faults`, { method: 'POST', body: JSON.stringify({ error5xxRate: 1, error5xxApis: ['CreatePersistentContactAssociation'] }) });
    let failed: DescribeExecutionCommandOutput;
    try {
      failed = await resumeExecutionFor(await customerReturns(), 'FAILED');
    } finally {
      await fetch(`${stack.url}/_sim/faults`, { method: 'DELETE' });
    }
    // Transient errors that outlast the retries are caught once: VerifyAssociation finds no association,
    // RecordConnectFailure records FAILED in the ledger and fails the execution there, so a redrive
    // continues there with the stored ClientToken.
    expect(failed).toMatchObject({ status: 'FAILED', error: 'ConnectUnavailableError', cause: expect.stringContaining('InternalServiceException'), redriveCount: 0 });
    expect(failed.output).toBeUndefined();
    const h = await history(failed.executionArn!);
    const taskFailures = h.filter((e) => e.type === 'TaskFailed' && e.taskFailedEventDetails?.resource === 'createPersistentContactAssociation');
    expect(taskFailures.length).toBe(5); // the first attempt and MaxAttempts 4 retries
    expect(taskFailures[0]?.taskFailedEventDetails).toMatchObject({ resourceType: 'aws-sdk:connect', resource: 'createPersistentContactAssociation', error: 'Connect.InternalServiceException' });
    expect(h.at(-1)).toMatchObject({ type: 'ExecutionFailed', executionFailedEventDetails: { error: 'ConnectUnavailableError' } });
    const entered = h.filter((e) => e.type?.endsWith('StateEntered')).map((e) => e.stateEnteredEventDetails?.name);
    expect(entered.slice(-6)).toEqual(['ReportConnectFailure', 'Decide', 'VerifyAssociation', 'CommittedAfterAll', 'NotVerified', 'RecordConnectFailure']);
    const verify = h.find((e) => e.type === 'TaskScheduled' && e.taskScheduledEventDetails?.resource === 'describeContact');
    expect(JSON.parse(verify!.taskScheduledEventDetails!.parameters!)).toEqual({ InstanceId: JSON.parse(failed.input!).instanceId, ContactId: JSON.parse(failed.input!).contactId });
    expect(h.some((e) => e.type === 'TaskSucceeded' && e.taskSucceededEventDetails?.resource === 'createPersistentContactAssociation')).toBe(false);
    expect(h.map((e) => e.type)).not.toContain('FailStateEntered');

    expect(failed.redriveStatus).toBe('REDRIVABLE');
    const { redriveDate } = await sfn.send(new RedriveExecutionCommand({ executionArn: failed.executionArn }));
    expect(redriveDate).toBeInstanceOf(Date);
    await stack.waitForIdle();
    const after = await sfn.send(new DescribeExecutionCommand({ executionArn: failed.executionArn }));
    expect(after).toMatchObject({ executionArn: failed.executionArn, redriveCount: 1, status: 'SUCCEEDED' });
    const redriven = await history(failed.executionArn!);
    const redriveAt = redriven.findIndex((e) => e.type === 'ExecutionRedriven');
    expect(redriveAt).toBeGreaterThan(0);
    // It continues at the unsuccessful state, then takes a new turn at Associate: the plan is not made again.
    const enteredAfter = redriven.slice(redriveAt).filter((e) => e.type === 'TaskStateEntered').map((e) => e.stateEnteredEventDetails?.name);
    expect(enteredAfter[0]).toBe('RecordConnectFailure');
    expect(enteredAfter).toContain('Associate');
    expect(enteredAfter).not.toContain('PlanResumption');
    expect(stack.simulator.stats().associationsByContact[JSON.parse(failed.input!).contactId]).toBe(1);
  });

  it('StartExecution: a Standard name is idempotent for the same input while running, ExecutionAlreadyExists otherwise; StopExecution aborts', async () => {
    const first = await sfn.send(new StartExecutionCommand({ stateMachineArn: HOLD.arn, name: 'same-name', input: '{"a":1}' }));
    const again = await sfn.send(new StartExecutionCommand({ stateMachineArn: HOLD.arn, name: 'same-name', input: '{"a":1}' }));
    expect(again.executionArn).toBe(first.executionArn);
    expect(again.startDate?.getTime()).toBe(first.startDate?.getTime());
    const clash = await rejection(sfn.send(new StartExecutionCommand({ stateMachineArn: HOLD.arn, name: 'same-name', input: '{"a":2}' })));
    expect(clash).toMatchObject({ name: 'ExecutionAlreadyExists', $metadata: { httpStatusCode: 400 } });

    const { stopDate } = await sfn.send(new StopExecutionCommand({ executionArn: first.executionArn, error: 'Operator', cause: 'test stop' }));
    expect(stopDate).toBeInstanceOf(Date);
    expect(await sfn.send(new DescribeExecutionCommand({ executionArn: first.executionArn }))).toMatchObject({ status: 'ABORTED', error: 'Operator', cause: 'test stop' });
    expect((await history(first.executionArn!)).at(-1)).toMatchObject({ type: 'ExecutionAborted', executionAbortedEventDetails: { error: 'Operator', cause: 'test stop' } });
    // A Standard name is used once, even after the execution ended.
    expect(await rejection(sfn.send(new StartExecutionCommand({ stateMachineArn: HOLD.arn, name: 'same-name', input: '{"a":1}' })))).toMatchObject({ name: 'ExecutionAlreadyExists' });

    const aborted = await sfn.send(new ListExecutionsCommand({ stateMachineArn: HOLD.arn, statusFilter: 'ABORTED' }));
    expect(aborted.executions?.map((e) => e.executionArn)).toEqual([first.executionArn]);
  });

  it('ListExecutions is newest first and pages with nextToken', async () => {
    const arns: string[] = [];
    for (let i = 0; i < 3; i++) {
      arns.push((await sfn.send(new StartExecutionCommand({ stateMachineArn: HOLD.arn, input: '{}' }))).executionArn!);
      await new Promise((r) => setTimeout(r, 5));
    }
    const p1 = await sfn.send(new ListExecutionsCommand({ stateMachineArn: HOLD.arn, statusFilter: 'RUNNING', maxResults: 2 }));
    const p2 = await sfn.send(new ListExecutionsCommand({ stateMachineArn: HOLD.arn, statusFilter: 'RUNNING', maxResults: 2, nextToken: p1.nextToken }));
    expect([...(p1.executions ?? []), ...(p2.executions ?? [])].map((e) => e.executionArn)).toEqual([...arns].reverse());
    expect(p2.nextToken).toBeUndefined();
    for (const executionArn of arns) await sfn.send(new StopExecutionCommand({ executionArn }));
  });

  it('Express: the same name starts a new execution every time, and the Standard-only APIs refuse it as AWS does', async () => {
    const a = await sfn.send(new StartExecutionCommand({ stateMachineArn: HOLD_EXPRESS.arn, name: 'dup', input: '{}' }));
    const b = await sfn.send(new StartExecutionCommand({ stateMachineArn: HOLD_EXPRESS.arn, name: 'dup', input: '{}' }));
    expect(a.executionArn).toMatch(/:express:aws-api-test-hold-express:dup:/);
    expect(b.executionArn).not.toBe(a.executionArn);
    expect(await rejection(sfn.send(new DescribeExecutionCommand({ executionArn: a.executionArn })))).toMatchObject({ name: 'InvalidArn' });
    expect(await rejection(sfn.send(new ListExecutionsCommand({ stateMachineArn: HOLD_EXPRESS.arn })))).toMatchObject({ name: 'StateMachineTypeNotSupported' });
  });

  it('ListStateMachines and DescribeStateMachine show the workflow files', async () => {
    const { stateMachines } = await sfn.send(new ListStateMachinesCommand({}));
    expect(stateMachines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ stateMachineArn: stack.arns.resumeChat, type: 'STANDARD', creationDate: expect.any(Date) }),
        expect.objectContaining({ stateMachineArn: stack.arns.contactEvents, type: 'EXPRESS' }),
      ]),
    );
    const d = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: stack.arns.resumeChat }));
    expect(d).toMatchObject({ status: 'ACTIVE', type: 'STANDARD', roleArn: expect.stringMatching(/^arn:aws:iam::000000000000:role\//) });
    expect(JSON.parse(d.definition!)).toMatchObject({ StartAt: 'PlanResumption' });
  });

  it('answers errors in the shape the SDK parses', async () => {
    const cases: [Promise<unknown>, string][] = [
      [sfn.send(new DescribeExecutionCommand({ executionArn: 'not-an-arn' })), 'InvalidArn'],
      [sfn.send(new DescribeExecutionCommand({ executionArn: stack.arns.resumeChat })), 'InvalidArn'],
      [sfn.send(new DescribeExecutionCommand({ executionArn: `${stack.arns.resumeChat.replace(':stateMachine:', ':execution:')}:nope` })), 'ExecutionDoesNotExist'],
      [sfn.send(new StartExecutionCommand({ stateMachineArn: stateMachineArn('missing') })), 'StateMachineDoesNotExist'],
      [sfn.send(new StartExecutionCommand({ stateMachineArn: HOLD.arn, name: 'has space' })), 'InvalidName'],
      [sfn.send(new StartExecutionCommand({ stateMachineArn: HOLD.arn, input: '{not json' })), 'InvalidExecutionInput'],
      [sfn.send(new ListExecutionsCommand({ stateMachineArn: HOLD.arn, maxResults: 2000 })), 'ValidationException'],
      [sfn.send(new ListExecutionsCommand({ stateMachineArn: HOLD.arn, nextToken: 'garbage' })), 'InvalidToken'],
      [events.send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => ({ Source: 's', DetailType: 'd', Detail: '{}' })) })), 'ValidationException'],
      [events.send(new DescribeRuleCommand({ Name: 'no-such-rule' })), 'ResourceNotFoundException'],
    ];
    for (const [call, name] of cases) {
      const err = await rejection(call);
      expect({ name: err.name, status: err.$metadata.httpStatusCode }).toEqual({ name, status: 400 });
      expect(err.$metadata.requestId).toEqual(expect.any(String));
      expect(err.message.length).toBeGreaterThan(0);
    }
    const succeeded = (await sfn.send(new ListExecutionsCommand({ stateMachineArn: stack.arns.resumeChat, statusFilter: 'SUCCEEDED' }))).executions![0]!;
    expect(await rejection(sfn.send(new RedriveExecutionCommand({ executionArn: succeeded.executionArn })))).toMatchObject({ name: 'ExecutionNotRedrivable' });

    const raw = async (target: string, body: string) => {
      const r = await fetch(stack.url, { method: 'POST', headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.0' }, body });
      return { status: r.status, type: r.headers.get('content-type'), body: (await r.json()) as { __type: string; message: string } };
    };
    expect(await raw('AWSStepFunctions.NoSuchOperation', '{}')).toMatchObject({ status: 400, type: 'application/x-amz-json-1.0', body: { __type: 'UnknownOperationException' } });
    expect(await raw('AWSStepFunctions.ListStateMachines', '{oops')).toMatchObject({ status: 400, body: { __type: 'SerializationException' } });
    expect(await raw('AWSEvents.ListRules', '[]')).toMatchObject({ status: 400, type: 'application/x-amz-json-1.1', body: { __type: 'SerializationException' } });
    expect(await raw('DynamoDB_20120810.GetItem', '{}')).toMatchObject({ status: 400, body: { __type: 'UnknownOperationException' } });
  });
});

describe('EventBridge through AWS_ENDPOINT_URL', () => {
  it('PutEvents answers per entry: EventIds for good entries, error codes for a missing Detail, a malformed Detail and one nested too deep', async () => {
    const seen: EventEnvelope[] = [];
    stack.bus.observe((e) => void (e.source === 'aws-api.test' && seen.push(e)));
    const time = new Date('2024-05-06T07:08:09Z');
    const out = await events.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'aws-api.test', DetailType: 'ok', Detail: '{"n":1}', Time: time, Resources: ['arn:aws:test:::r'] },
          { Source: 'aws-api.test', DetailType: 'no detail' },
          { Source: 'aws-api.test', DetailType: 'bad detail', Detail: '{not json' },
          { Source: 'aws-api.test', DetailType: 'too deep', Detail: `{"a":${'['.repeat(1001)}${']'.repeat(1001)}}` },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(3);
    expect(out.Entries?.[0]).toEqual({ EventId: expect.any(String) });
    expect(out.Entries?.slice(1).map((e) => [e.ErrorCode, typeof e.ErrorMessage, e.EventId])).toEqual([
      ['InvalidArgument', 'string', undefined],
      ['MalformedDetail', 'string', undefined],
      ['MalformedDetail', 'string', undefined],
    ]);
    await stack.waitForIdle();
    expect(seen).toEqual([expect.objectContaining({ id: out.Entries?.[0]?.EventId, 'detail-type': 'ok', time: '2024-05-06T07:08:09Z', detail: { n: 1 }, resources: ['arn:aws:test:::r'] })]);
  });

  it('TestEventPattern uses the EventBridge matcher; an invalid pattern is InvalidEventPatternException', async () => {
    const event = { id: '1', account: LOCAL_ACCOUNT_ID, source: DEFAULT_RETURN_EVENT_SOURCE, time: '2024-01-01T00:00:00Z', region: LOCAL_REGION, resources: [], 'detail-type': CUSTOMER_RETURNED_DETAIL_TYPE, detail: { contactId: 'c-9', attempts: 3 } };
    const test = async (pattern: unknown) => (await events.send(new TestEventPatternCommand({ EventPattern: JSON.stringify(pattern), Event: JSON.stringify(event) }))).Result;
    expect(await test(customerReturnedPattern())).toBe(true);
    expect(await test(contactEventPattern())).toBe(false);
    expect(await test({ detail: { contactId: [{ prefix: 'c-' }], attempts: [{ numeric: ['>', 2] }] } })).toBe(true);
    expect(await test({ detail: { attempts: [{ numeric: ['<', 2] }] } })).toBe(false);
    const invalid = await rejection(events.send(new TestEventPatternCommand({ EventPattern: '{"source": "not-an-array"}', Event: JSON.stringify(event) })));
    expect(invalid).toMatchObject({ name: 'InvalidEventPatternException', $metadata: { httpStatusCode: 400 } });
    expect((invalid as Error).message).toMatch(/^Event pattern is not valid\. Reason: "source" must be an object or an array/);
    expect((invalid as Error).message.split('Event pattern is not valid')).toHaveLength(2); // said once
    expect(await rejection(events.send(new TestEventPatternCommand({ EventPattern: '{"a": [{"numeric": ["=", 1E-325]}]}', Event: JSON.stringify(event) })))).toMatchObject({
      name: 'InvalidEventPatternException',
    });
  });

  it('ListRules and DescribeRule show the chatline rules with their patterns as JSON text', async () => {
    const { Rules } = await events.send(new ListRulesCommand({ NamePrefix: 'chatline-' }));
    expect(Rules?.map((r) => r.Name)).toEqual(['chatline-contact-events', 'chatline-customer-returned']);
    const page = await events.send(new ListRulesCommand({ Limit: 1 }));
    expect((await events.send(new ListRulesCommand({ Limit: 1, NextToken: page.NextToken }))).Rules?.[0]?.Name).toBe('chatline-customer-returned');
    const rule = await events.send(new DescribeRuleCommand({ Name: 'chatline-contact-events' }));
    expect(rule).toMatchObject({ Arn: `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:rule/chatline-contact-events`, State: 'ENABLED', EventBusName: 'default' });
    expect(JSON.parse(rule.EventPattern!)).toEqual(contactEventPattern());
  });
});

describe('Connect through the same AWS_ENDPOINT_URL', () => {
  it('DescribeContact reaches the simulator, and its errors keep their shape', async () => {
    const { Contact } = await connect.send(new DescribeContactCommand({ InstanceId: instanceId, ContactId: pastContact }));
    expect(Contact).toMatchObject({ Id: pastContact, Channel: 'CHAT' });
    expect(await rejection(connect.send(new DescribeContactCommand({ InstanceId: instanceId, ContactId: 'no-such-contact' })))).toMatchObject({
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 404 },
    });
  });
});
