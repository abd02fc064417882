/**
 * The bad-input corpus (issue 9): a table of hostile or malformed inputs, each sent through the
 * entry point a user has (a replay file, PutEvents and StartExecution with the real SDK clients,
 * app events, raw HTTP, the Connect simulator's routes), each with the answer it must get. No case
 * may crash, hang or answer 500, and every rejected event must be in the rejected-event store
 * with its reason. One stack serves every group, so the whole corpus runs in seconds.
 */
import { ConnectClient, CreatePersistentContactAssociationCommand, DescribeContactCommand } from '@aws-sdk/client-connect';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { replayStream } from '../../cli/replay';
import { linesOf } from '../../cli/replay-lines';
import { CUSTOMER_RETURNED_DETAIL_TYPE, DEFAULT_RETURN_EVENT_SOURCE, LOCAL_REGION } from '../../core/constants';
import type { RejectedEvent } from '../../core/store';
import { MAX_REQUEST_BYTES } from '../../local/aws-api/wire';
import { stateMachineArn } from '../../local/stack';
import { ConnectSimulator } from '../../simulator';
import { MAX_BODY_BYTES as SIM_MAX_BODY_BYTES } from '../../simulator/http';
import { BAD_INSTANCE_ARNS, contactEvent } from '../fixtures/contact-events';
import { startTestStack } from '../integration/local-stack-harness';

type Stack = Awaited<ReturnType<typeof startTestStack>>;
type Json = Record<string, unknown>;
let stack: Stack;
let events: EventBridgeClient;
let sfn: SFNClient;
let connect: ConnectClient;
let counted = 0;

const config = () => ({ endpoint: stack.url, region: LOCAL_REGION, credentials: { accessKeyId: 'l', secretAccessKey: 'l' }, maxAttempts: 1 });
/** `n` nested arrays as JSON text (built as text: a value that deep overflows JSON.stringify). */
const deep = (n: number): string => `${'['.repeat(n)}${']'.repeat(n)}`;
const withDeep = (key: string, n: number): string => `{"${key}":${deep(n)}}`;
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

beforeAll(async () => {
  stack = await startTestStack();
  events = new EventBridgeClient(config());
  sfn = new SFNClient(config());
  connect = new ConnectClient(config());
});
afterAll(async () => {
  for (const c of [events, sfn, connect]) c.destroy();
  await stack.dispose();
});


// ---------------------------------------------------------------------------------------------
// Event mutations: a valid event, one thing wrong, and the reason the rejection must give.

type Mutation = readonly [name: string, mutate: (e: Json & { detail: Json }) => void, reason: RegExp];

const validContact = (n: number): Json & { detail: Json } =>
  clone(contactEvent({ eventType: 'INITIATED', contactId: `corpus-${n}`, time: '2024-05-01T10:00:00Z', initiationMethod: 'API', initiationTimestamp: '2024-05-01T10:00:00.000Z', id: `corpus-evt-${n}` })) as never;

const setDetail = (k: string, v: unknown) => (e: Json & { detail: Json }) => void (e.detail[k] = v);
const dropDetail = (k: string) => (e: Json & { detail: Json }) => void delete e.detail[k];
const setEnvelope = (k: string, v: unknown) => (e: Json) => void (e[k] = v);
const dropEnvelope = (k: string) => (e: Json) => void delete e[k];

const badTimes: readonly unknown[] = ['1', 'March 7 2021', '10000-01-01T00:00:00Z', '+010000-01-01T00:00:00.000Z', '2021-02-30T00:00:00Z', '2021-13-01T00:00:00Z', '2024-05-01', '2024-05-01T10:00:00', '2024-05-01 10:00:00Z', '2100-01-01T00:00:00Z', '1969-12-31T23:59:59Z', '2024-05-01T24:00:00Z', '', 1700000000, true, null];

const contactMutations: readonly Mutation[] = [
  ...badTimes.map((t): Mutation => [`time ${JSON.stringify(t)}`, setEnvelope('time', t), /time/]),
  ...badTimes.filter((t) => t !== null).map((t): Mutation => [`initiationTimestamp ${JSON.stringify(t)}`, setDetail('initiationTimestamp', t), /initiationTimestamp/]),
  ...['yesterday', '2023-02-29T00:00:00Z', '9999-12-31T23:59:59Z', 42].map((t): Mutation => [`disconnectTimestamp ${JSON.stringify(t)}`, setDetail('disconnectTimestamp', t), /disconnectTimestamp/]),
  ['no time', dropEnvelope('time'), /time/],
  ['no id', dropEnvelope('id'), /id/],
  ['empty id', setEnvelope('id', ''), /id/],
  ['numeric id', setEnvelope('id', 7), /id/],
  ['no contactId', dropDetail('contactId'), /contactId/],
  ['empty contactId', setDetail('contactId', ''), /contactId/],
  ['contactId of 257 characters', setDetail('contactId', 'c'.repeat(257)), /contactId/],
  ['numeric contactId', setDetail('contactId', 12), /contactId/],
  ['null contactId', setDetail('contactId', null), /contactId/],
  ['no eventType', dropDetail('eventType'), /eventType/],
  ['empty eventType', setDetail('eventType', ''), /eventType/],
  ['numeric eventType', setDetail('eventType', 3), /eventType/],
  ['no instanceArn', dropDetail('instanceArn'), /instanceArn/],
  ...BAD_INSTANCE_ARNS.map((arn): Mutation => [`instanceArn ${arn.slice(0, 60)}`, setDetail('instanceArn', arn), /instanceArn/]),
  ['numeric instanceArn', setDetail('instanceArn', 1), /instanceArn/],
  ['empty initialContactId', setDetail('initialContactId', ''), /initialContactId/],
  ['initialContactId of 300 characters', setDetail('initialContactId', 'i'.repeat(300)), /initialContactId/],
  ['numeric previousContactId', setDetail('previousContactId', 5), /previousContactId/],
  ['empty previousContactId', setDetail('previousContactId', ''), /previousContactId/],
  ['object relatedContactId', setDetail('relatedContactId', { id: 'x' }), /relatedContactId/],
  ['empty customerId', setDetail('customerId', ''), /customerId/],
  ['customerId of 129 characters', setDetail('customerId', 'u'.repeat(129)), /customerId/],
  ['numeric customerId', setDetail('customerId', 99), /customerId/],
  ['agentInfo a string', setDetail('agentInfo', 'agent'), /agentInfo/],
  ['agentInfo.agentArn a number', setDetail('agentInfo', { agentArn: 5 }), /agentArn/],
  ['initiationMethod a number', setDetail('initiationMethod', 1), /initiationMethod/],
];

const validReturn = (n: number): Json & { detail: Json } => ({
  version: '0',
  id: `corpus-ret-${n}`,
  'detail-type': CUSTOMER_RETURNED_DETAIL_TYPE,
  source: DEFAULT_RETURN_EVENT_SOURCE,
  account: '111122223333',
  time: '2024-05-01T11:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: { instanceId: 'inst-1', contactId: `ret-${n}`, customerId: 'cust-1' },
});

const returnMutations: readonly Mutation[] = [
  ['no instanceId', dropDetail('instanceId'), /instanceId/],
  ['empty instanceId', setDetail('instanceId', ''), /instanceId/],
  ['instanceId of 101 characters', setDetail('instanceId', 'i'.repeat(101)), /instanceId/],
  ['no contactId', dropDetail('contactId'), /contactId/],
  ['contactId of 257 characters', setDetail('contactId', 'c'.repeat(257)), /contactId/],
  ['neither previousContactId nor customerId', dropDetail('customerId'), /needs previousContactId or customerId/],
  ['previousContactId equal to contactId', (e) => void (e.detail['previousContactId'] = e.detail['contactId']), /previousContactId equals contactId/],
  ['unknown rehydration', setDetail('rehydration', 'everything'), /rehydration/],
  ['customerId of 129 characters', setDetail('customerId', 'u'.repeat(129)), /customerId/],
  ['time "March 7 2021"', setEnvelope('time', 'March 7 2021'), /time/],
  ['time year 10000', setEnvelope('time', '10000-01-01T00:00:00Z'), /time/],
  ['time 2021-02-30', setEnvelope('time', '2021-02-30T10:00:00Z'), /time/],
  ['no id', dropEnvelope('id'), /id/],
];

const allMutations = [...contactMutations.map((m) => ['contact', ...m] as const), ...returnMutations.map((m) => ['return', ...m] as const)];
const mutated = (kind: 'contact' | 'return', mutate: Mutation[1], n: number): Json => {
  const e = kind === 'contact' ? validContact(n) : validReturn(n);
  mutate(e);
  return e;
};

async function rejectedWhere(pred: (r: RejectedEvent) => boolean): Promise<RejectedEvent[]> {
  return (await stack.store.listRejected()).filter(pred);
}

// ---------------------------------------------------------------------------------------------

describe('replay lines', () => {
  const structural: readonly (readonly [string, Buffer | string, 'rejected' | 'ignored', RegExp])[] = [
    ['not JSON', '{oops', 'rejected', /not JSON/],
    ['a JSON array', '[1,2]', 'rejected', /expected a JSON object/],
    ['a number', '42', 'rejected', /expected a JSON object/],
    ['a string', '"event"', 'rejected', /expected a JSON object/],
    ['null', 'null', 'rejected', /expected a JSON object/],
    ['an empty object', '{}', 'rejected', /no source/],
    ['no detail-type', '{"source":"aws.connect","detail":{}}', 'rejected', /detail-type/],
    ['detail an array', '{"source":"aws.connect","detail-type":"Amazon Connect Contact Event","detail":[]}', 'rejected', /detail \(an object\)/],
    ['invalid UTF-8', Buffer.concat([Buffer.from('{"source":"aws.connect","detail-type":"x","detail":{"contactId":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}}')]), 'rejected', /UTF-8/],
    ['a lone surrogate byte sequence', Buffer.from([0xed, 0xa0, 0x80]), 'rejected', /UTF-8/],
    ['a line over 256 KB', `{"source":"x","detail-type":"y","detail":{"pad":"${'p'.repeat(300 * 1024)}"}}`, 'rejected', /longer than/],
    ['1001 levels of nesting', JSON.stringify(validContact(900)).replace('"detail":{', `"detail":{"x":${deep(1001)},`), 'rejected', /nested deeper than 1000/],
    ['5000 levels of nesting', JSON.stringify(validContact(901)).replace('"detail":{', `"detail":{"x":${deep(5000)},`), 'rejected', /nested deeper than 1000/],
    ['a __proto__ key in detail', JSON.stringify(validContact(902)).replace('"detail":{', '"detail":{"__proto__":{"polluted":1},'), 'rejected', /__proto__/],
    ['a constructor key at the top', JSON.stringify(validContact(903)).replace('{', '{"constructor":{"prototype":{"x":1}},'), 'rejected', /constructor/],
    ['an app event under aws.connect', JSON.stringify({ ...validReturn(904), source: 'aws.connect' }), 'rejected', /reserved for AWS services/],
    ['a VOICE contact event (no rule)', JSON.stringify({ ...validContact(905), detail: { ...validContact(905).detail, channel: 'VOICE' } }), 'ignored', /no rule matches|channel/],
    ['another service', '{"source":"aws.s3","detail-type":"Object Created","detail":{}}', 'ignored', /no rule matches/],
    ['an unknown app source', JSON.stringify({ ...validReturn(906), source: 'someone.else' }), 'ignored', /no rule matches/],
  ];
  const mutationLines = allMutations.map(([kind, name, mutate, reason], i) => [`${kind} event: ${name}`, JSON.stringify(mutated(kind, mutate, 1000 + i)), 'rejected', reason] as const);
  const table = [...structural, ...mutationLines];

  it(`${table.length} hostile lines: each rejected or ignored with its reason, rejected ones kept, and the replay finishes`, async () => {
    const bytes = Buffer.concat(table.flatMap(([, line]) => [Buffer.isBuffer(line) ? line : Buffer.from(line), Buffer.from('\n')]));
    async function* chunks(): AsyncGenerator<Buffer> {
      yield bytes;
    }
    // That it finishes is the assertion (within the test's timeout); no timing assertion here.
    const report = await replayStream(stack, linesOf(chunks()));
    const kept = await rejectedWhere((r) => r.origin?.startsWith('replay line ') ?? false);
    const keptByLine = new Map(kept.map((r) => [Number(r.origin?.slice('replay line '.length)), r.reason]));
    const listed = new Map(report.rejected.map((r) => [r.line, r.reason]));
    const problems: string[] = [];
    table.forEach(([name, , outcome, reason], i) => {
      counted++;
      const line = i + 1;
      if (outcome === 'rejected') {
        const why = keptByLine.get(line);
        if (why === undefined || !reason.test(why)) problems.push(`line ${line} (${name}): kept ${JSON.stringify(why)}, listed ${JSON.stringify(listed.get(line))}`);
      } else if (keptByLine.has(line)) problems.push(`line ${line} (${name}): expected ignored, was rejected: ${keptByLine.get(line)}`);
    });
    expect(problems).toEqual([]);
    const ignoredCount = table.filter(([, , o]) => o === 'ignored').length;
    expect(report.events).toMatchObject({ received: table.length, accepted: 0, ignored: ignoredCount, rejected: table.length - ignoredCount, failed: 0 });
  });
});

describe('PutEvents and app events (real SDK client)', () => {
  it(`${allMutations.length} invalid events are accepted as EventBridge would (valid JSON), then rejected by RecordContactEvent and kept with their reason`, async () => {
    const table = allMutations.map(([kind, name, mutate, reason], i) => ({ name: `${kind}: ${name}`, event: mutated(kind, mutate, 2000 + i), reason }));
    const ids: (string | undefined)[] = [];
    for (let i = 0; i < table.length; i += 10) {
      const batch = table.slice(i, i + 10);
      const out = await events.send(
        new PutEventsCommand({
          Entries: batch.map(({ event }) => ({ Source: String(event['source']), DetailType: String(event['detail-type']), Detail: JSON.stringify(event['detail']) })),
        }),
      );
      ids.push(...(out.Entries ?? []).map((e) => e.EventId));
    }
    await stack.waitForIdle();
    // PutEvents builds its own envelope (its own id and time): the envelope mutations reach the
    // workflow only through the detail; those cases are checked through replay above.
    const rejected = await stack.store.listRejected();
    const byId = new Map(rejected.map((r) => [(r.event as { id?: string } | null)?.id, r.reason]));
    const problems: string[] = [];
    table.forEach(({ name, event, reason }, i) => {
      const envelopeOnly = JSON.stringify(event['detail']) === JSON.stringify((name.startsWith('contact') ? validContact(2000 + i) : validReturn(2000 + i)).detail);
      if (envelopeOnly) return;
      counted++;
      const id = ids[i];
      if (id === undefined) return void problems.push(`${name}: no EventId`);
      const why = byId.get(id);
      if (why === undefined || !reason.test(why)) problems.push(`${name}: kept ${JSON.stringify(why)}`);
    });
    expect(problems).toEqual([]);
  });

  const entryCases: readonly (readonly [string, Json, string])[] = [
    ['no Source', { DetailType: 'd', Detail: '{}' }, 'InvalidArgument'],
    ['no DetailType', { Source: 's', Detail: '{}' }, 'InvalidArgument'],
    ['no Detail', { Source: 's', DetailType: 'd' }, 'InvalidArgument'],
    ['Detail not JSON', { Source: 's', DetailType: 'd', Detail: '{x' }, 'MalformedDetail'],
    ['Detail an array', { Source: 's', DetailType: 'd', Detail: '[]' }, 'MalformedDetail'],
    ['Detail a number', { Source: 's', DetailType: 'd', Detail: '7' }, 'MalformedDetail'],
    ['Detail null', { Source: 's', DetailType: 'd', Detail: 'null' }, 'MalformedDetail'],
    ['Detail 1001 deep', { Source: 's', DetailType: 'd', Detail: withDeep('a', 1001) }, 'MalformedDetail'],
    ['Detail 4000 deep', { Source: 's', DetailType: 'd', Detail: withDeep('a', 4000) }, 'MalformedDetail'],
    ['Detail with __proto__', { Source: 's', DetailType: 'd', Detail: '{"__proto__":{"x":1}}' }, 'MalformedDetail'],
    ['Detail with constructor', { Source: 's', DetailType: 'd', Detail: '{"a":{"constructor":{}}}' }, 'MalformedDetail'],
    ['unknown bus', { Source: 's', DetailType: 'd', Detail: '{}', EventBusName: 'elsewhere' }, 'ResourceNotFoundException'],
    // aws.* sources are AWS services' own (docs/sources.md#putevents-and-aws-sources); aws.connect stays open locally.
    ['Source aws.s3 (reserved for AWS services)', { Source: 'aws.s3', DetailType: 'Object Created', Detail: '{}' }, 'NotAuthorizedForSourceException'],
    ['Source aws.connectx (reserved, not Connect)', { Source: 'aws.connectx', DetailType: 'd', Detail: '{}' }, 'NotAuthorizedForSourceException'],
    ['Source aws. alone', { Source: 'aws.', DetailType: 'd', Detail: '{}' }, 'NotAuthorizedForSourceException'],
  ];
  it('an aws.connect entry (the local stack stands in for Connect) next to an aws.s3 one: the first accepted, the second NotAuthorizedForSourceException', async () => {
    counted++;
    const contact = validContact(2990);
    const out = await events.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'aws.connect', DetailType: String(contact['detail-type']), Detail: JSON.stringify(contact['detail']) },
          { Source: 'aws.s3', DetailType: 'Object Created', Detail: '{}' },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(1);
    expect(out.Entries?.map((e) => e.ErrorCode ?? 'ok')).toEqual(['ok', 'NotAuthorizedForSourceException']);
  });

  it.each(entryCases)('entry with %s, next to a valid one: 200, per-entry %s, kept in the rejected store', async (name, entry, code) => {
    counted++;
    const out = await events.send(new PutEventsCommand({ Entries: [{ Source: 'corpus.ok', DetailType: 'ok', Detail: '{}' }, entry as never] }));
    expect(out.Entries?.map((e) => e.ErrorCode ?? 'ok')).toEqual(['ok', code]);
    const kept = await rejectedWhere((r) => r.origin === 'AWSEvents.PutEvents entry 1' && r.reason.startsWith(code) && JSON.stringify(r.event) === JSON.stringify(entry));
    expect(kept.length).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------------

interface HttpCase {
  readonly name: string;
  readonly target?: string;
  readonly method?: string;
  readonly path?: string;
  readonly body: string | Buffer;
  readonly status: number;
  readonly code: string | RegExp;
  /** The request carries an event: it must be in the rejected store. */
  readonly kept?: boolean;
}

const httpCases: readonly HttpCase[] = [
  ...['__proto__.StartExecution', 'constructor.PutEvents', 'AWSStepFunctions.__proto__', 'AWSStepFunctions.constructor', 'AWSStepFunctions.toString', 'AWSEvents.valueOf', 'AWSEvents.hasOwnProperty', 'AWSEvents.', 'AWSEvents', 'Nope.Nope', 'AWSStepFunctions.CreateStateMachine', 'AWSEvents.PutRule', 'DynamoDB_20120810.GetItem', 'AWSStepFunctions..StartExecution'].map(
    (target): HttpCase => ({ name: `X-Amz-Target ${target}`, target, body: '{}', status: 400, code: 'UnknownOperationException' }),
  ),
  ...(['AWSEvents.PutEvents', 'AWSStepFunctions.StartExecution', 'AWSStepFunctions.ListExecutions', 'AWSEvents.ListRules'] as const).flatMap((target): HttpCase[] => {
    const kept = target === 'AWSEvents.PutEvents' || target === 'AWSStepFunctions.StartExecution';
    return [
      { name: `${target}: not JSON`, target, body: '{oops', status: 400, code: 'SerializationException', kept },
      { name: `${target}: an array`, target, body: '[]', status: 400, code: 'SerializationException', kept },
      { name: `${target}: invalid UTF-8`, target, body: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), status: 400, code: 'SerializationException', kept },
      { name: `${target}: 1001 deep`, target, body: withDeep('x', 1001), status: 400, code: 'SerializationException', kept },
      { name: `${target}: __proto__`, target, body: '{"__proto__":{"polluted":true}}', status: 400, code: 'SerializationException', kept },
      { name: `${target}: constructor`, target, body: '{"constructor":{"prototype":{"polluted":true}}}', status: 400, code: 'SerializationException', kept },
      { name: `${target}: over the body limit`, target, body: Buffer.alloc(MAX_REQUEST_BYTES + 10, 0x20), status: 413, code: 'RequestEntityTooLargeException' },
    ];
  }),
  { name: 'PutEvents: Entries a string', target: 'AWSEvents.PutEvents', body: '{"Entries":"x"}', status: 400, code: 'SerializationException', kept: true },
  { name: 'PutEvents: Entries missing', target: 'AWSEvents.PutEvents', body: '{}', status: 400, code: 'ValidationException', kept: true },
  { name: 'PutEvents: Entries empty', target: 'AWSEvents.PutEvents', body: '{"Entries":[]}', status: 400, code: 'ValidationException', kept: true },
  { name: 'PutEvents: 11 entries', target: 'AWSEvents.PutEvents', body: JSON.stringify({ Entries: Array.from({ length: 11 }, () => ({ Source: 's', DetailType: 'd', Detail: '{}' })) }), status: 400, code: 'ValidationException', kept: true },
  { name: 'PutEvents: an entry a number', target: 'AWSEvents.PutEvents', body: '{"Entries":[1]}', status: 400, code: 'SerializationException', kept: true },
  { name: 'PutEvents: Source a number', target: 'AWSEvents.PutEvents', body: '{"Entries":[{"Source":1,"DetailType":"d","Detail":"{}"}]}', status: 400, code: 'SerializationException', kept: true },
  { name: 'PutEvents: Resources not strings', target: 'AWSEvents.PutEvents', body: '{"Entries":[{"Source":"s","DetailType":"d","Detail":"{}","Resources":[1]}]}', status: 400, code: 'SerializationException', kept: true },
  { name: 'PutEvents: Time "March 7 2021"', target: 'AWSEvents.PutEvents', body: '{"Entries":[{"Source":"s","DetailType":"d","Detail":"{}","Time":"March 7 2021"}]}', status: 400, code: 'SerializationException', kept: true },
  { name: 'PutEvents: Time 2021-02-30', target: 'AWSEvents.PutEvents', body: '{"Entries":[{"Source":"s","DetailType":"d","Detail":"{}","Time":"2021-02-30T00:00:00Z"}]}', status: 400, code: 'SerializationException', kept: true },
  { name: 'PutEvents: Time year 10000', target: 'AWSEvents.PutEvents', body: '{"Entries":[{"Source":"s","DetailType":"d","Detail":"{}","Time":"10000-01-01T00:00:00Z"}]}', status: 400, code: 'SerializationException', kept: true },
  { name: 'PutEvents: Time an object', target: 'AWSEvents.PutEvents', body: '{"Entries":[{"Source":"s","DetailType":"d","Detail":"{}","Time":{}}]}', status: 400, code: 'SerializationException', kept: true },
  { name: 'PutEvents: Time 1e300', target: 'AWSEvents.PutEvents', body: '{"Entries":[{"Source":"s","DetailType":"d","Detail":"{}","Time":1e300}]}', status: 400, code: 'SerializationException', kept: true },
  {
    name: 'PutEvents: 10 × 30 KB (over 256 KB in total)',
    target: 'AWSEvents.PutEvents',
    body: JSON.stringify({ Entries: Array.from({ length: 10 }, () => ({ Source: 's', DetailType: 'd', Detail: JSON.stringify({ b: 'x'.repeat(30 * 1024) }) })) }),
    status: 400,
    code: 'ValidationException',
    kept: true,
  },
  { name: 'PutEvents: one entry of 300 KB', target: 'AWSEvents.PutEvents', body: JSON.stringify({ Entries: [{ Source: 's', DetailType: 'd', Detail: JSON.stringify({ b: 'x'.repeat(300 * 1024) }) }] }), status: 400, code: 'ValidationException', kept: true },
  { name: 'StartExecution: no stateMachineArn', target: 'AWSStepFunctions.StartExecution', body: '{}', status: 400, code: 'ValidationException', kept: true },
  { name: 'StartExecution: input a number', target: 'AWSStepFunctions.StartExecution', body: JSON.stringify({ stateMachineArn: stateMachineArn('chatline-resume-chat'), input: 5 }), status: 400, code: 'SerializationException', kept: true },
  { name: 'ListExecutions: maxResults a string', target: 'AWSStepFunctions.ListExecutions', body: '{"stateMachineArn":"x","maxResults":"5"}', status: 400, code: /SerializationException|InvalidArn/ },
  { name: 'DescribeExecution: arn an object', target: 'AWSStepFunctions.DescribeExecution', body: '{"executionArn":{}}', status: 400, code: 'SerializationException' },
  { name: 'TestEventPattern: Event 1001 deep', target: 'AWSEvents.TestEventPattern', body: JSON.stringify({ EventPattern: '{"source":["x"]}', Event: withDeep('x', 1001) }), status: 400, code: /ValidationException|SerializationException/ },
  // The Connect simulator's routes (no X-Amz-Target) and its control routes.
  { name: 'Connect: unknown route', method: 'GET', path: '/nope', body: '', status: 404, code: 'UnknownOperationException' },
  { name: 'Connect: bad percent-encoding (no route matches)', method: 'GET', path: '/contacts/%E0%A4%A/x', body: '', status: 404, code: 'UnknownOperationException' },
  { name: 'Connect: StartChatContact not JSON', method: 'PUT', path: '/contact/chat', body: '{oops', status: 400, code: /Exception/ },
  { name: 'Connect: StartChatContact invalid UTF-8', method: 'PUT', path: '/contact/chat', body: Buffer.from([0x7b, 0xff, 0x7d]), status: 400, code: /Exception/ },
  { name: 'Connect: StartChatContact 1001 deep', method: 'PUT', path: '/contact/chat', body: `{"InstanceId":"i","x":${deep(1001)}}`, status: 400, code: /Exception/ },
  { name: 'Connect: StartChatContact __proto__', method: 'PUT', path: '/contact/chat', body: '{"__proto__":{"polluted":true}}', status: 400, code: /Exception/ },
  { name: 'Connect: over the body limit', method: 'PUT', path: '/contact/chat', body: Buffer.alloc(MAX_REQUEST_BYTES + 10, 0x20), status: 413, code: 'RequestEntityTooLargeException' },
  { name: 'control: unknown route', method: 'GET', path: '/_sim/nope', body: '', status: 404, code: 'UnknownOperationException' },
  { name: 'control: chats without instanceId', method: 'POST', path: '/_sim/chats', body: '{}', status: 400, code: 'InvalidParameterException' },
  { name: 'control: chats with a 101-character instanceId', method: 'POST', path: '/_sim/chats', body: JSON.stringify({ instanceId: 'i'.repeat(101) }), status: 400, code: 'InvalidParameterException' },
  { name: 'control: chats with a 129-character customerId', method: 'POST', path: '/_sim/chats', body: JSON.stringify({ instanceId: 'i', customerId: 'c'.repeat(129) }), status: 400, code: 'InvalidParameterException' },
  { name: 'control: chats with 40 KB of attributes', method: 'POST', path: '/_sim/chats', body: JSON.stringify({ instanceId: 'i', attributes: { a: 'x'.repeat(40 * 1024) } }), status: 400, code: 'InvalidParameterException' },
  { name: 'control: chats with a numeric attribute', method: 'POST', path: '/_sim/chats', body: JSON.stringify({ instanceId: 'i', attributes: { a: 1 } }), status: 400, code: 'InvalidParameterException' },
  { name: 'control: chats with a bad rehydrationType', method: 'POST', path: '/_sim/chats', body: JSON.stringify({ instanceId: 'i', persistentChat: { rehydrationType: 'ALL', sourceContactId: 'c' } }), status: 400, code: 'InvalidParameterException' },
  { name: 'control: instances with a 101-character id', method: 'POST', path: '/_sim/instances', body: JSON.stringify({ instanceId: 'i'.repeat(101) }), status: 400, code: 'InvalidParameterException' },
  { name: 'control: instances body an array', method: 'POST', path: '/_sim/instances', body: '[]', status: 400, code: 'InvalidParameterException' },
  { name: 'control: rate-limits unknown API', method: 'POST', path: '/_sim/rate-limits', body: '{"Nope":{"rate":1,"burst":1}}', status: 400, code: 'InvalidParameterException' },
  { name: 'control: rate-limits rate 1e300', method: 'POST', path: '/_sim/rate-limits', body: '{"DescribeContact":{"rate":1e300,"burst":1}}', status: 400, code: 'InvalidParameterException' },
  { name: 'control: rate-limits negative burst', method: 'POST', path: '/_sim/rate-limits', body: '{"DescribeContact":{"rate":1,"burst":-1}}', status: 400, code: 'InvalidParameterException' },
  { name: 'control: mirror of 1001 events', method: 'POST', path: '/_sim/mirror', body: JSON.stringify(Array.from({ length: 1001 }, () => ({}))), status: 400, code: 'InvalidParameterException' },
  { name: 'control: mirror not JSON', method: 'POST', path: '/_sim/mirror', body: '{oops', status: 400, code: 'SerializationException' },
  { name: 'control: mirror with __proto__', method: 'POST', path: '/_sim/mirror', body: '{"__proto__":{"polluted":1}}', status: 400, code: 'SerializationException' },
  { name: 'control: faults not JSON', method: 'POST', path: '/_sim/faults', body: '{oops', status: 400, code: 'SerializationException' },
  { name: 'control: accept without agentId', method: 'POST', path: '/_sim/contacts/i/c/accept', body: '{}', status: 400, code: 'InvalidParameterException' },
  { name: 'control: accept with a 257-character agentId', method: 'POST', path: '/_sim/contacts/i/c/accept', body: JSON.stringify({ agentId: 'a'.repeat(257) }), status: 400, code: 'InvalidParameterException' },
  { name: 'control: end with survey a string', method: 'POST', path: '/_sim/contacts/i/c/end', body: '{"survey":"yes"}', status: 400, code: 'InvalidParameterException' },
];

describe('raw HTTP', () => {
  it.each(httpCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    counted++;
    const before = (await stack.store.listRejected()).length;
    const r = await fetch(`${stack.url}${c.path ?? '/'}`, {
      method: c.method ?? 'POST',
      headers: { ...(c.target ? { 'x-amz-target': c.target, 'content-type': c.target.startsWith('AWSEvents') ? 'application/x-amz-json-1.1' : 'application/x-amz-json-1.0' } : { 'content-type': 'application/json' }) },
      ...(c.method === 'GET' ? {} : { body: typeof c.body === 'string' ? c.body : c.body === undefined ? undefined : new Uint8Array(c.body) }),
    });
    const text = await r.text();
    const code = r.headers.get('x-amzn-errortype') ?? '';
    expect({ status: r.status, code }).toEqual({ status: c.status, code: typeof c.code === 'string' ? c.code : expect.stringMatching(c.code) });
    const body = JSON.parse(text) as { message?: string };
    expect(body.message?.length).toBeGreaterThan(0);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    if (c.kept) {
      const after = await stack.store.listRejected();
      expect(after.length).toBeGreaterThan(before);
      expect(after.slice(before).some((k) => k.origin === c.target && k.reason.startsWith(code))).toBe(true);
    }
  });
});

describe('StartExecution (real SDK client)', () => {
  const resume = () => stack.arns.resumeChat;
  const cases: readonly (readonly [string, () => Json, string, boolean])[] = [
    ['an ARN that is not one', () => ({ stateMachineArn: 'not-an-arn' }), 'InvalidArn', true],
    ['an execution ARN', () => ({ stateMachineArn: resume().replace(':stateMachine:', ':execution:') + ':x' }), 'InvalidArn', true],
    ['an ARN without an account', () => ({ stateMachineArn: 'arn:aws:states:us-east-1::stateMachine:x' }), 'InvalidArn', true],
    ['a machine that does not exist', () => ({ stateMachineArn: stateMachineArn('nope') }), 'StateMachineDoesNotExist', true],
    ['a name with a space', () => ({ stateMachineArn: resume(), name: 'a b' }), 'InvalidName', true],
    ['a name with a slash', () => ({ stateMachineArn: resume(), name: 'a/b' }), 'InvalidName', true],
    ['a name of 81 characters', () => ({ stateMachineArn: resume(), name: 'n'.repeat(81) }), 'ValidationException', true],
    ['an empty name', () => ({ stateMachineArn: resume(), name: '' }), 'ValidationException', true],
    ['input not JSON', () => ({ stateMachineArn: resume(), input: '{oops' }), 'InvalidExecutionInput', true],
    ['input 1001 deep', () => ({ stateMachineArn: resume(), input: withDeep('a', 1001) }), 'InvalidExecutionInput', true],
    ['input 3000 deep', () => ({ stateMachineArn: resume(), input: withDeep('a', 3000) }), 'InvalidExecutionInput', true],
    ['input with __proto__', () => ({ stateMachineArn: resume(), input: '{"__proto__":{"polluted":true}}' }), 'InvalidExecutionInput', true],
    ['input with constructor', () => ({ stateMachineArn: resume(), input: '{"a":[{"constructor":1}]}' }), 'InvalidExecutionInput', true],
    ['input over 256 KB', () => ({ stateMachineArn: resume(), input: JSON.stringify({ b: 'x'.repeat(257 * 1024) }) }), 'ValidationException', true],
  ];
  it.each(cases)('%s → %s, kept in the rejected store', async (_name, input, code, kept) => {
    counted++;
    let err: (Error & { $metadata: { httpStatusCode?: number } }) | undefined;
    try {
      await sfn.send(new StartExecutionCommand(input() as never));
    } catch (e) {
      err = e as never;
    }
    expect({ name: err?.name, status: err?.$metadata.httpStatusCode }).toEqual({ name: code, status: 400 });
    if (kept) expect((await rejectedWhere((r) => r.origin === 'AWSStepFunctions.StartExecution' && r.reason.startsWith(code))).length).toBeGreaterThan(0);
  });
});

describe('Connect simulator (real SDK client)', () => {
  const cases: readonly (readonly [string, () => Promise<unknown>, number])[] = [
    ['CPCA on an unknown instance', () => connect.send(new CreatePersistentContactAssociationCommand({ InstanceId: 'nope', InitialContactId: 'c', RehydrationType: 'ENTIRE_PAST_SESSION', SourceContactId: 's' })), 404],
    ['CPCA with a 101-character InstanceId', () => connect.send(new CreatePersistentContactAssociationCommand({ InstanceId: 'i'.repeat(101), InitialContactId: 'c', RehydrationType: 'ENTIRE_PAST_SESSION', SourceContactId: 's' })), 400],
    ['CPCA with a 257-character InitialContactId', () => connect.send(new CreatePersistentContactAssociationCommand({ InstanceId: 'i', InitialContactId: 'c'.repeat(257), RehydrationType: 'ENTIRE_PAST_SESSION', SourceContactId: 's' })), 400],
    ['CPCA with a bad RehydrationType', () => connect.send(new CreatePersistentContactAssociationCommand({ InstanceId: 'i', InitialContactId: 'c', RehydrationType: 'ALL' as never, SourceContactId: 's' })), 400],
    ['CPCA without SourceContactId', () => connect.send(new CreatePersistentContactAssociationCommand({ InstanceId: 'i', InitialContactId: 'c', RehydrationType: 'FROM_SEGMENT' } as never)), 400],
    ['CPCA with a 501-character ClientToken', () => connect.send(new CreatePersistentContactAssociationCommand({ InstanceId: 'i', InitialContactId: 'c', RehydrationType: 'FROM_SEGMENT', SourceContactId: 's', ClientToken: 't'.repeat(501) })), 400],
    ['DescribeContact on an unknown contact', () => connect.send(new DescribeContactCommand({ InstanceId: 'nope', ContactId: 'nope' })), 404],
    ['DescribeContact with a path-like id', () => connect.send(new DescribeContactCommand({ InstanceId: '../..', ContactId: '%2F' })), 404],
  ];
  it.each(cases)('%s → %i with a named error', async (_name, call, status) => {
    counted++;
    let err: (Error & { $metadata: { httpStatusCode?: number } }) | undefined;
    try {
      await call();
    } catch (e) {
      err = e as never;
    }
    expect(err?.$metadata.httpStatusCode).toBe(status);
    expect(err?.name).toMatch(/Exception$/);
  });
});


describe('the standalone simulator (chatline sim)', () => {
  it.each([
    ['a body over 1 MiB', 'PUT', '/contact/chat', Buffer.alloc(SIM_MAX_BODY_BYTES + 1, 0x20), 413, 'RequestEntityTooLargeException'],
    ['invalid UTF-8', 'PUT', '/contact/chat', Buffer.from([0x7b, 0xff, 0x7d]), 400, /Exception$/],
    ['a __proto__ key on a control route', 'POST', '/_sim/instances', Buffer.from('{"__proto__":{"polluted":1}}'), 400, 'SerializationException'],
  ] as const)('%s → %i', async (_name, method, path, body, status, code) => {
    counted++;
    const sim = new ConnectSimulator({});
    const url = await sim.listen(0);
    try {
      const r = await fetch(`${url}${path}`, { method, body, headers: { 'content-type': 'application/json' } });
      await r.text();
      expect(r.status).toBe(status);
      expect(r.headers.get('x-amzn-errortype')).toEqual(typeof code === 'string' ? code : expect.stringMatching(code));
    } finally {
      await sim.close();
    }
  });
});

describe('the corpus', () => {
  // Registered last, so it runs after every group above has counted its cases.
  it('has at least 200 cases', () => {
    console.log(`bad-input corpus: ${counted} cases`);
    expect(counted).toBeGreaterThanOrEqual(200);
  });
});
