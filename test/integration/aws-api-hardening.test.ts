/**
 * Hostile requests on the loopback endpoint: every one gets a clear 4xx in the AWS error shape
 * (never a 500, never prototype pollution), the partial acceptance of PutEvents stays per entry,
 * and refused events are kept in the rejected store with their reason. Real SDK clients where the
 * SDK can send the request; raw HTTP where it cannot (bad bytes, bad targets).
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { MAX_REQUEST_BYTES } from '../../local/aws-api/wire';
import { startTestStack, startTestStackWithClients } from './local-stack-harness';

type Stack = Awaited<ReturnType<typeof startTestStack>>;
let stack: Stack;
let events: EventBridgeClient;
let sfn: SFNClient;

let harness: Awaited<ReturnType<typeof startTestStackWithClients>>;

beforeAll(async () => {
  harness = await startTestStackWithClients();
  ({ stack, events, sfn } = harness);
});
afterAll(() => harness.dispose());

const deep = (n: number): string => `${'['.repeat(n)}${']'.repeat(n)}`;

async function raw(target: string | undefined, body: string | Buffer, contentType = 'application/x-amz-json-1.1') {
  const r = await fetch(stack.url, { method: 'POST', headers: { ...(target ? { 'x-amz-target': target } : {}), 'content-type': contentType }, body: typeof body === 'string' ? body : new Uint8Array(body) });
  const text = await r.text();
  return { status: r.status, errorType: r.headers.get('x-amzn-errortype'), body: JSON.parse(text) as { __type?: string; message?: string } };
}

async function rejection(p: Promise<unknown>): Promise<Error & { $metadata: { httpStatusCode?: number } }> {
  try {
    await p;
  } catch (err) {
    return err as never;
  }
  throw new Error('expected a rejection');
}

describe('unknown operations and prototype names', () => {
  it.each(['__proto__.StartExecution', 'constructor.StartExecution', 'AWSStepFunctions.__proto__', 'AWSStepFunctions.constructor', 'AWSEvents.hasOwnProperty', 'toString', ''])(
    'X-Amz-Target %j → 400 UnknownOperationException',
    async (target) => {
      const r = await raw(target || 'AWSEvents.', '{}');
      expect(r).toMatchObject({ status: 400, errorType: 'UnknownOperationException', body: { __type: 'UnknownOperationException' } });
      expect(({} as Record<string, unknown>)['StartExecution']).toBeUndefined();
    },
  );
});

describe('request bodies', () => {
  it('a body over the limit is 413 in the AWS shape, for AWS and Connect routes alike', async () => {
    const big = Buffer.alloc(MAX_REQUEST_BYTES + 1, 0x20);
    expect(await raw('AWSEvents.PutEvents', big)).toMatchObject({ status: 413, errorType: 'RequestEntityTooLargeException' });
    expect(await raw(undefined, big, 'application/json')).toMatchObject({ status: 413, errorType: 'RequestEntityTooLargeException' });
  });

  it.each([
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), /UTF-8/],
    ['nesting past 1000 levels', `{"Entries":${deep(1001)}}`, /nested deeper than 1000/],
    ['a __proto__ key', '{"__proto__":{"polluted":true},"Entries":[]}', /__proto__/],
    ['a nested constructor key', '{"Entries":[{"constructor":{"prototype":{}}}]}', /constructor/],
  ])('%s → 400 SerializationException', async (_name, body, reason) => {
    const r = await raw('AWSEvents.PutEvents', body);
    expect(r).toMatchObject({ status: 400, body: { __type: 'SerializationException' } });
    expect(r.body.message).toMatch(reason);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('PutEvents', () => {
  it('10 × 30 KB entries (300 KB in total) are refused as AWS does: the total entry size is capped at 256 KB', async () => {
    const entry = { Source: 'hardening.test', DetailType: 'big', Detail: JSON.stringify({ blob: 'x'.repeat(30 * 1024) }) };
    const err = await rejection(events.send(new PutEventsCommand({ Entries: Array.from({ length: 10 }, () => entry) })));
    expect({ name: err.name, status: err.$metadata.httpStatusCode }).toEqual({ name: 'ValidationException', status: 400 });
    expect(err.message).toMatch(/Total size of the entries in the request is over the limit/);
    const ok = await events.send(new PutEventsCommand({ Entries: Array.from({ length: 8 }, () => entry) }));
    expect(ok.FailedEntryCount).toBe(0);
  });

  it('a valid entry next to hostile ones: 200 with per-entry results, and every refused entry is in the rejected store', async () => {
    const out = await events.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'hardening.test', DetailType: 'fine', Detail: '{"n":1}' },
          { Source: 'hardening.test', DetailType: 'deep', Detail: `{"x":${deep(3000)}}` },
          { Source: 'hardening.test', DetailType: 'proto', Detail: '{"__proto__":{"admin":true}}' },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(2);
    expect(out.Entries?.map((e) => e.ErrorCode ?? 'ok')).toEqual(['ok', 'MalformedDetail', 'MalformedDetail']);
    const kept = (await stack.store.listRejected()).filter((r) => r.origin?.startsWith('AWSEvents.PutEvents entry'));
    expect(kept.map((r) => [r.origin, r.reason.split(':')[0]])).toEqual(
      expect.arrayContaining([
        ['AWSEvents.PutEvents entry 1', 'MalformedDetail'],
        ['AWSEvents.PutEvents entry 2', 'MalformedDetail'],
      ]),
    );
  });
});

describe('StartExecution', () => {
  it.each([
    ['nested past 1000 levels', `{"a":${deep(2000)}}`, /nested deeper than 1000/],
    ['a constructor key', '{"constructor":1}', /constructor/],
    ['not JSON', '{oops', /not JSON/],
  ])('input %s → InvalidExecutionInput, kept in the rejected store', async (_name, input, reason) => {
    const err = await rejection(sfn.send(new StartExecutionCommand({ stateMachineArn: stack.arns.resumeChat, input })));
    expect({ name: err.name, status: err.$metadata.httpStatusCode }).toEqual({ name: 'InvalidExecutionInput', status: 400 });
    expect(err.message).toMatch(reason);
    const kept = (await stack.store.listRejected()).filter((r) => r.origin === 'AWSStepFunctions.StartExecution');
    expect(kept.some((r) => reason.test(r.reason))).toBe(true);
  });
});
