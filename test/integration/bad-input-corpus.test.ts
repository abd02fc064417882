/**
 * Issue 9, the bad-input corpus by entry point (test/corpus/bad-input.test.ts holds the rest):
 * hostile input through every entry point a user has — replay
 * lines, PutEvents and StartExecution with the real SDK clients, the app's Chat Customer Returned
 * events, raw HTTP to the AWS-compatible endpoint, the Connect simulator's routes and the
 * dashboard. Every case gets a clear answer; no case crashes the stack, answers 500 or is
 * accepted and then lost: an *event* that gets in is kept in the rejected store with its reason.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { replayStream } from '../../cli/replay';
import { linesOf } from '../../cli/replay-lines';
import { CONNECT_EVENT_SOURCE, CONTACT_EVENT_DETAIL_TYPE, CUSTOMER_RETURNED_DETAIL_TYPE, DEFAULT_RETURN_EVENT_SOURCE, LOCAL_REGION } from '../../core/constants';
import type { RejectedEvent } from '../../core/store';
import { INSTANCE_ARN } from '../fixtures/contact-events';
import { startTestStack, startTestStackWithClients } from './local-stack-harness';

type Stack = Awaited<ReturnType<typeof startTestStack>>;
type Json = Record<string, unknown>;

const T = '2026-03-01T10:00:00Z';

/** A valid CHAT contact event detail; each case breaks one thing in it. */
function contactDetail(n: number, change: Json = {}): Json {
  return { eventType: 'INITIATED', contactId: `corpus-${n}`, channel: 'CHAT', instanceArn: INSTANCE_ARN, initiationMethod: 'API', initiationTimestamp: T, ...change };
}

interface EventCase {
  readonly name: string;
  /** The detail of the envelope (its id and source are set per entry point). */
  readonly detail: (n: number) => Json;
  readonly detailType?: string;
  /** The envelope's own time (only replay and StartExecution can carry a text time). */
  readonly time?: string;
  readonly reason: RegExp;
}

const BAD_TIMES = ['1', 'March 7 2021', '2021-02-30T00:00:00Z', '10000-01-01T00:00:00Z', '+010000-01-01T00:00:00.000Z', '2021-03-07', '2021-03-07 10:00:00Z', '2021-03-07T25:00:00Z', '1969-12-31T23:59:59Z', '2100-01-01T00:00:00Z', 'now', ''];
const BAD_ARNS = ['arn:aws:connect:::instance/x', 'arn:aws:connect:us-east-1::instance/x', 'arn:aws:connect:us-east-1:1234:instance/x', 'arn:aws:connect:useast:123456789012:instance/x', 'arn:aws:s3:us-east-1:123456789012:instance/x', 'not an arn'];

const detailCases: EventCase[] = [
  ...BAD_TIMES.map((t): EventCase => ({ name: `initiationTimestamp ${JSON.stringify(t)}`, detail: (n) => contactDetail(n, { initiationTimestamp: t }), reason: /detail\.initiationTimestamp: /i })),
  ...BAD_TIMES.map((t): EventCase => ({ name: `disconnectTimestamp ${JSON.stringify(t)}`, detail: (n) => contactDetail(n, { eventType: 'DISCONNECTED', disconnectTimestamp: t }), reason: /detail\.disconnectTimestamp: / })),
  ...BAD_ARNS.map((arn): EventCase => ({ name: `instanceArn ${arn}`, detail: (n) => contactDetail(n, { instanceArn: arn }), reason: /detail\.instanceArn: not a Connect instance ARN/ })),
  { name: 'empty contactId', detail: (n) => contactDetail(n, { contactId: '' }), reason: /detail\.contactId/ },
  { name: 'contactId of 300 characters', detail: (n) => contactDetail(n, { contactId: 'c'.repeat(300) }), reason: /detail\.contactId/ },
  { name: 'numeric contactId', detail: (n) => contactDetail(n, { contactId: 42 }), reason: /detail\.contactId/ },
  { name: 'missing contactId', detail: (n) => { const { contactId: _c, ...d } = contactDetail(n); return d; }, reason: /detail\.contactId/ },
  { name: 'empty eventType', detail: (n) => contactDetail(n, { eventType: '' }), reason: /detail\.eventType/ },
  { name: 'customerId of 200 characters', detail: (n) => contactDetail(n, { customerId: 'x'.repeat(200) }), reason: /detail\.customerId/ },
  { name: 'object previousContactId', detail: (n) => contactDetail(n, { previousContactId: { id: 1 } }), reason: /detail\.previousContactId/ },
  { name: 'agentInfo a string', detail: (n) => contactDetail(n, { agentInfo: 'agent-1' }), reason: /detail\.agentInfo/ },
];

const returnDetail = (n: number, change: Json = {}): Json => ({ instanceId: 'instance-1', contactId: `corpus-return-${n}`, customerId: 'corpus-customer', ...change });
const appCases: EventCase[] = [
  { name: 'return without previousContactId or customerId', detailType: CUSTOMER_RETURNED_DETAIL_TYPE, detail: (n) => { const { customerId: _c, ...d } = returnDetail(n); return d; }, reason: /needs previousContactId or customerId/ },
  { name: 'return naming itself as previous', detailType: CUSTOMER_RETURNED_DETAIL_TYPE, detail: (n) => returnDetail(n, { previousContactId: `corpus-return-${n}` }), reason: /previousContactId equals contactId/ },
  { name: 'return with an unknown rehydration', detailType: CUSTOMER_RETURNED_DETAIL_TYPE, detail: (n) => returnDetail(n, { rehydration: 'everything' }), reason: /detail\.rehydration/ },
  { name: 'return with an empty instanceId', detailType: CUSTOMER_RETURNED_DETAIL_TYPE, detail: (n) => returnDetail(n, { instanceId: '' }), reason: /detail\.instanceId/ },
  { name: 'return with a 101-character instanceId', detailType: CUSTOMER_RETURNED_DETAIL_TYPE, detail: (n) => returnDetail(n, { instanceId: 'i'.repeat(101) }), reason: /detail\.instanceId/ },
  { name: 'return without contactId', detailType: CUSTOMER_RETURNED_DETAIL_TYPE, detail: (n) => { const { contactId: _c, ...d } = returnDetail(n); return d; }, reason: /detail\.contactId/ },
  { name: 'return with a numeric customerId', detailType: CUSTOMER_RETURNED_DETAIL_TYPE, detail: (n) => returnDetail(n, { customerId: 7 }), reason: /detail\.customerId/ },
];

const envelopeTimeCases: EventCase[] = BAD_TIMES.filter((t) => t !== '').map((t) => ({ name: `envelope time ${JSON.stringify(t)}`, time: t, detail: (n) => contactDetail(n), reason: /^time: / }));

const eventCases = [...detailCases, ...appCases];
const sourceOf = (c: EventCase) => (c.detailType === CUSTOMER_RETURNED_DETAIL_TYPE ? DEFAULT_RETURN_EVENT_SOURCE : CONNECT_EVENT_SOURCE);
const envelope = (c: EventCase, n: number, id: string): Json => ({
  version: '0',
  id,
  'detail-type': c.detailType ?? CONTACT_EVENT_DETAIL_TYPE,
  source: sourceOf(c),
  account: '000000000000',
  time: c.time ?? T,
  region: LOCAL_REGION,
  resources: [],
  detail: c.detail(n),
});

let stack: Stack;
let events: EventBridgeClient;
let sfn: SFNClient;
let harness: Awaited<ReturnType<typeof startTestStackWithClients>>;

beforeAll(async () => {
  harness = await startTestStackWithClients();
  ({ stack, events, sfn } = harness);
});
afterAll(() => harness.dispose());

/** The rejected-store row that kept the event with this envelope id. */
async function keptFor(id: string): Promise<RejectedEvent | undefined> {
  const all = await stack.store.listRejected();
  return all.find((r) => typeof r.event === 'object' && r.event !== null && (r.event as Json)['id'] === id);
}

describe('bad-input corpus: events through PutEvents (real SDK)', () => {
  it.each(eventCases.map((c, i) => [c.name, c, i] as const))('%s: accepted by the bus, then kept in the rejected store with the reason', async (_name, c, i) => {
    const out = await events.send(new PutEventsCommand({ Entries: [{ Source: sourceOf(c), DetailType: c.detailType ?? CONTACT_EVENT_DETAIL_TYPE, Detail: JSON.stringify(c.detail(1000 + i)) }] }));
    expect(out.FailedEntryCount).toBe(0);
    await stack.waitForIdle();
    const kept = await keptFor(out.Entries?.[0]?.EventId as string);
    expect(kept?.reason).toMatch(c.reason);
  });
});

describe('bad-input corpus: events through StartExecution of contact-events (real SDK)', () => {
  it.each([...eventCases, ...envelopeTimeCases].map((c, i) => [c.name, c, i] as const))('%s: the execution refuses it and the event is kept', async (_name, c, i) => {
    const id = `corpus-sfn-${i}`;
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: stack.arns.contactEvents, input: JSON.stringify(envelope(c, 2000 + i, id)) }));
    await stack.waitForIdle();
    expect(executionArn).toMatch(/:express:chatline-contact-events:/);
    expect((await keptFor(id))?.reason).toMatch(c.reason);
  });
});

describe('bad-input corpus: replay lines', () => {
  const cases = [...eventCases, ...envelopeTimeCases];
  const raw: [string, Buffer | string, RegExp][] = [
    ['not JSON', '{not json', /not JSON/],
    ['a JSON array', '[1,2]', /expected a JSON object/],
    ['a JSON string', '"hello"', /expected a JSON object/],
    ['invalid UTF-8', Buffer.concat([Buffer.from('{"id":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]), /not valid UTF-8/],
    ['a line over 256 KB', 'x'.repeat(300 * 1024), /longer than 262144 bytes/],
    ['nested 5000 levels', JSON.stringify({ ...envelope(cases[0] as EventCase, 1, 'deep-line'), detail: '{}' }).replace('"detail":"{}"', `"detail":{"x":${'['.repeat(5000)}${']'.repeat(5000)}}`), /nested deeper than 1000 levels/],
    ['an app event under aws.connect', JSON.stringify({ ...envelope(appCases[0] as EventCase, 1, 'forged'), source: CONNECT_EVENT_SOURCE }), /aws\.\* sources are reserved/],
  ];
  let report: Awaited<ReturnType<typeof replayStream>>;
  let kept: RejectedEvent[];

  beforeAll(async () => {
    const lines: (Buffer | string)[] = [...cases.map((c, i) => JSON.stringify(envelope(c, 3000 + i, `corpus-line-${i}`))), ...raw.map(([, line]) => line)];
    const bytes = Buffer.concat(lines.flatMap((l) => [typeof l === 'string' ? Buffer.from(l) : l, Buffer.from('\n')]));
    report = await replayStream(stack, linesOf((async function* () { yield bytes; })()));
    kept = (await stack.store.listRejected()).filter((r) => (r.origin ?? '').startsWith('replay line '));
  });

  it.each(cases.map((c, i) => [c.name, c, i] as const))('%s: rejected with the reason and kept', (_name, c, i) => {
    const line = i + 1;
    const row = report.rejected.find((r) => r.line === line);
    expect(row?.reason).toMatch(c.reason);
    expect(kept.some((k) => k.origin === `replay line ${line}` && c.reason.test(k.reason))).toBe(true);
  });

  it.each(raw.map(([name, , reason], j) => [name, reason, j] as const))('%s: rejected with the reason and kept', (_name, reason, j) => {
    const line = cases.length + j + 1;
    expect(report.rejected.find((r) => r.line === line)?.reason).toMatch(reason);
    expect(kept.some((k) => k.origin === `replay line ${line}`)).toBe(true);
  });

  it('the report counts every line as rejected, none accepted or lost', () => {
    expect(report.events).toEqual(expect.objectContaining({ received: cases.length + raw.length, accepted: 0, rejected: cases.length + raw.length, failed: 0 }));
  });
});

/** One raw HTTP request to the local endpoint: status and the parsed error type. */
async function http(init: { target?: string; body?: Buffer | string; method?: string; path?: string; contentType?: string }): Promise<{ status: number; type: string | undefined }> {
  const method = init.method ?? 'POST';
  const res = await fetch(stack.url + (init.path ?? '/'), {
    method,
    headers: { ...(init.target !== undefined ? { 'x-amz-target': init.target } : {}), 'content-type': init.contentType ?? 'application/x-amz-json-1.1' },
    ...(method === 'GET' || method === 'HEAD' ? {} : { body: typeof init.body === 'object' ? new Uint8Array(init.body) : (init.body ?? '{}') }),
  });
  const text = await res.text();
  let type: string | undefined;
  try {
    const parsed = JSON.parse(text) as Json;
    type = (parsed['__type'] ?? parsed['code'] ?? parsed['Message'] ?? parsed['message']) as string | undefined;
  } catch {
    type = undefined;
  }
  return { status: res.status, type: type ?? res.headers.get('x-amzn-errortype') ?? undefined };
}

const okEntry = { Source: 'corpus', DetailType: 'ok', Detail: '{}' };
const httpCases: [string, Parameters<typeof http>[0], number, RegExp | undefined][] = [
  ...['__proto__.StartExecution', 'constructor.PutEvents', 'toString.StartExecution', 'hasOwnProperty.PutEvents', 'valueOf.StartExecution', '', '.', 'AWSEvents', 'AWSStepFunctions', 'AWSEvents.', 'AWSLambda.Invoke', 'DynamoDB_20120810.GetItem'].map(
    (target): [string, Parameters<typeof http>[0], number, RegExp] => [`target ${JSON.stringify(target)}`, { target }, 400, /UnknownOperation/],
  ),
  ...['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'Nope'].flatMap((op): [string, Parameters<typeof http>[0], number, RegExp][] => [
    [`AWSEvents.${op}`, { target: `AWSEvents.${op}` }, 400, /UnknownOperation/],
    [`AWSStepFunctions.${op}`, { target: `AWSStepFunctions.${op}`, contentType: 'application/x-amz-json-1.0' }, 400, /UnknownOperation/],
  ]),
  ['PutEvents body not JSON', { target: 'AWSEvents.PutEvents', body: '{nope' }, 400, /SerializationException/],
  ['PutEvents body an array', { target: 'AWSEvents.PutEvents', body: '[]' }, 400, /SerializationException/],
  ['PutEvents body a number', { target: 'AWSEvents.PutEvents', body: '7' }, 400, /SerializationException/],
  ['PutEvents body invalid UTF-8', { target: 'AWSEvents.PutEvents', body: Buffer.concat([Buffer.from('{"Entries":[{"Source":"a","DetailType":"b","Detail":"{\\"x\\":\\"'), Buffer.from([0xc3, 0x28]), Buffer.from('\\"}"}]}')]) }, 400, /SerializationException/],
  ['PutEvents body nested 2000 levels', { target: 'AWSEvents.PutEvents', body: `{"Entries":[],"x":${'['.repeat(2000)}${']'.repeat(2000)}}` }, 400, /SerializationException/],
  ['PutEvents body over 1 MiB', { target: 'AWSEvents.PutEvents', body: `{"x":"${'y'.repeat(2 * 1024 * 1024)}"}` }, 413, /RequestEntityTooLarge/],
  ['PutEvents without Entries', { target: 'AWSEvents.PutEvents', body: '{}' }, 400, /ValidationException/],
  ['PutEvents with 0 entries', { target: 'AWSEvents.PutEvents', body: '{"Entries":[]}' }, 400, /ValidationException/],
  ['PutEvents with 11 entries', { target: 'AWSEvents.PutEvents', body: JSON.stringify({ Entries: Array.from({ length: 11 }, () => okEntry) }) }, 400, /ValidationException/],
  ['PutEvents Entries a string', { target: 'AWSEvents.PutEvents', body: '{"Entries":"x"}' }, 400, /SerializationException/],
  ['PutEvents entry a number', { target: 'AWSEvents.PutEvents', body: '{"Entries":[1]}' }, 400, /SerializationException/],
  ['PutEvents Source a number', { target: 'AWSEvents.PutEvents', body: '{"Entries":[{"Source":1,"DetailType":"a","Detail":"{}"}]}' }, 400, /SerializationException/],
  ['PutEvents Resources of numbers', { target: 'AWSEvents.PutEvents', body: '{"Entries":[{"Source":"a","DetailType":"a","Detail":"{}","Resources":[1]}]}' }, 400, /SerializationException/],
  ['PutEvents Time not a time', { target: 'AWSEvents.PutEvents', body: '{"Entries":[{"Source":"a","DetailType":"a","Detail":"{}","Time":"soon"}]}' }, 400, /SerializationException/],
  ['PutEvents 10 x 30 KB', { target: 'AWSEvents.PutEvents', body: JSON.stringify({ Entries: Array.from({ length: 10 }, () => ({ ...okEntry, Detail: JSON.stringify({ b: 'x'.repeat(30 * 1024) }) })) }) }, 400, /ValidationException/],
  ['PutEvents unknown bus', { target: 'AWSEvents.ListRules', body: '{"EventBusName":"nope"}' }, 400, /ResourceNotFound/],
  ['TestEventPattern invalid pattern', { target: 'AWSEvents.TestEventPattern', body: JSON.stringify({ EventPattern: '{"a":1}', Event: '{}' }) }, 400, /InvalidEventPattern/],
  ['TestEventPattern event not JSON', { target: 'AWSEvents.TestEventPattern', body: JSON.stringify({ EventPattern: '{"a":[1]}', Event: '{' }) }, 400, /ValidationException/],
  ['DescribeRule bad name', { target: 'AWSEvents.DescribeRule', body: '{"Name":"a b"}' }, 400, /ValidationException/],
  ['ListRules Limit 0', { target: 'AWSEvents.ListRules', body: '{"Limit":0}' }, 400, /ValidationException/],
  ['ListRules bad NextToken', { target: 'AWSEvents.ListRules', body: '{"NextToken":"garbage"}' }, 400, /ValidationException/],
];

const sfnCases = (): [string, Json, RegExp][] => [
  ['input not JSON', { stateMachineArn: stack.arns.contactEvents, input: '{' }, /InvalidExecutionInput/],
  ['input nested 2000 levels', { stateMachineArn: stack.arns.contactEvents, input: `${'['.repeat(2000)}${']'.repeat(2000)}` }, /InvalidExecutionInput/],
  ['input over 256 KB', { stateMachineArn: stack.arns.contactEvents, input: JSON.stringify({ x: 'y'.repeat(300 * 1024) }) }, /ValidationException/],
  ['name with a space', { stateMachineArn: stack.arns.contactEvents, name: 'a b' }, /InvalidName/],
  ['name of 81 characters', { stateMachineArn: stack.arns.contactEvents, name: 'n'.repeat(81) }, /ValidationException/],
  ['unknown state machine', { stateMachineArn: stack.arns.contactEvents.replace('chatline-contact-events', 'nope') }, /StateMachineDoesNotExist/],
  ['malformed state machine ARN', { stateMachineArn: 'arn:nope' }, /InvalidArn/],
  ['no state machine ARN', {}, /ValidationException/],
  ['input a number', { stateMachineArn: stack.arns.contactEvents, input: 5 }, /SerializationException/],
  ['DescribeExecution bad ARN', { executionArn: 'arn:nope' }, /InvalidArn/],
];

describe('bad-input corpus: raw HTTP to the AWS endpoint', () => {
  it.each(httpCases.map(([name, init, status, type]) => [name, status, init, type] as const))('%s → %d', async (_name, status, init, type) => {
    const out = await http(init);
    expect(out.status).toBe(status);
    if (type) expect(out.type).toMatch(type);
  });

  it.each(Array.from({ length: 10 }, (_, i) => i))('StartExecution case %d answers 400 with the AWS error', async (i) => {
    const [, body, type] = sfnCases()[i] as [string, Json, RegExp];
    const target = i === 9 ? 'AWSStepFunctions.DescribeExecution' : 'AWSStepFunctions.StartExecution';
    const out = await http({ target, body: JSON.stringify(body), contentType: 'application/x-amz-json-1.0' });
    expect(out.status).toBe(400);
    expect(out.type).toMatch(type);
  });

  it('a request mixing a too-deep entry with a good one answers per entry, not 500', async () => {
    const deep = JSON.stringify(contactDetail(9000)).replace('"channel"', `"x":${'['.repeat(1200)}${']'.repeat(1200)},"channel"`);
    const out = await events.send(new PutEventsCommand({ Entries: [{ Source: 'corpus', DetailType: 'deep', Detail: deep }, okEntry] }));
    expect(out.FailedEntryCount).toBe(1);
    expect(out.Entries?.map((e) => e.ErrorCode ?? 'ok')).toEqual(['MalformedDetail', 'ok']);
  });
});

describe('bad-input corpus: the simulator and the dashboard', () => {
  const simCases: [string, Parameters<typeof http>[0], number][] = [
    ['unknown route', { method: 'GET', path: '/nope' }, 404],
    ['unknown POST route', { method: 'POST', path: '/contact/nope', body: '{}' }, 404],
    ['StartChatContact body not JSON', { method: 'PUT', path: '/contact/chat', body: '{' }, 400],
    ['StartChatContact body an array', { method: 'PUT', path: '/contact/chat', body: '[]' }, 400],
    ['StartChatContact unknown instance', { method: 'PUT', path: '/contact/chat', body: '{"InstanceId":"nope","ContactFlowId":"f","ParticipantDetails":{"DisplayName":"a"}}' }, 404],
    ['DescribeContact unknown instance', { method: 'GET', path: '/contacts/nope/nope' }, 404],
    ['CPCA body not JSON', { method: 'POST', path: '/contact/persistent-contact-association/nope/nope', body: '{' }, 400],
    ['StopContact without ContactId', { method: 'POST', path: '/contact/stop', body: '{}' }, 400],
    ['TransferContact invalid UTF-8', { method: 'POST', path: '/contact/transfer', body: Buffer.from([0x7b, 0xff, 0x7d]) }, 400],
    ['_sim unknown control route', { method: 'POST', path: '/_sim/nope', body: '{}' }, 404],
    ['_sim body over 1 MiB', { method: 'POST', path: '/_sim/faults', body: `{"x":"${'y'.repeat(2 * 1024 * 1024)}"}` }, 413],
    ['path of 10,000 characters (ids past their modeled length)', { method: 'GET', path: `/contacts/${'a'.repeat(10_000)}/b` }, 400],
  ];
  it.each(simCases.map(([name, init, status]) => [name, status, init] as const))('%s → %d', async (_name, status, init) => {
    expect((await http(init)).status).toBe(status);
  });

  it.each(['/', '/_chatline/api/overview'])('HEAD %s answers like GET, without a body', async (path) => {
    const head = await fetch(stack.url + path, { method: 'HEAD' });
    const get = await fetch(stack.url + path);
    expect([head.status, head.headers.get('content-type')]).toEqual([get.status, get.headers.get('content-type')]);
    expect(await head.text()).toBe('');
    expect(get.status).toBe(200);
  });

  it('after the whole corpus the stack still answers and nothing accepted was lost', async () => {
    const out = await events.send(new PutEventsCommand({ Entries: [okEntry] }));
    expect(out.FailedEntryCount).toBe(0);
  });
});
