/** Throttling (per-API token buckets) and fault injection, through the real SDK. */
import { CreatePersistentContactAssociationCommand, DescribeContactCommand, StartChatContactCommand } from '@aws-sdk/client-connect';
import { DEFAULT_RATE_LIMITS } from '../../../simulator';
import { expectSdkError, type Harness, INSTANCE, pastSession, startHarness } from './harness';

let h: Harness;
afterEach(async () => {
  await h.close();
});

const describeCmd = (id: string) => new DescribeContactCommand({ InstanceId: INSTANCE, ContactId: id });

describe('throttling', () => {
  test("defaults: the Admin Guide's API throttling table", async () => {
    h = await startHarness({ throttling: true });
    expect(h.sim.rateLimits()).toEqual(DEFAULT_RATE_LIMITS);
    expect(DEFAULT_RATE_LIMITS.CreatePersistentContactAssociation).toEqual({ rate: 5, burst: 8 });
    expect(DEFAULT_RATE_LIMITS.DescribeContact).toEqual({ rate: 10, burst: 15 });
    expect(DEFAULT_RATE_LIMITS.StartChatContact).toEqual({ rate: 5, burst: 8 });
    expect(DEFAULT_RATE_LIMITS.StopContact.rate).toBe(10);
    expect(DEFAULT_RATE_LIMITS.TransferContact.rate).toBe(2);
  });

  test('burst, then 429 ThrottlingException, retried by the SDK (3 attempts); shared by all clients; refills with time', async () => {
    h = await startHarness({ throttling: true, rateLimits: { DescribeContact: { rate: 1, burst: 2 } } });
    const { contactId } = await h.sim.startChat({ instanceId: INSTANCE });
    const other = h.client(1);
    await h.connect.send(describeCmd(contactId));
    await other.send(describeCmd(contactId));
    await expectSdkError(other.send(describeCmd(contactId)), 'ThrottlingException', 429, 1);
    await expectSdkError(h.connect.send(describeCmd(contactId)), 'ThrottlingException', 429, 3);
    expect(h.sim.stats().apis.DescribeContact).toMatchObject({ calls: 6, succeeded: 2, throttled: 4, failed: 0 });
    // Other APIs have their own buckets.
    await h.connect.send(new StartChatContactCommand({ InstanceId: INSTANCE, ContactFlowId: 'f', ParticipantDetails: { DisplayName: 'x' } }));
    h.clock.advance(1000);
    await expect(other.send(describeCmd(contactId))).resolves.toBeDefined();
  });

  test('throttle error name per API (TooManyRequestsException for StartChatContact), still retried on 429', async () => {
    h = await startHarness({
      throttling: true,
      rateLimits: { StartChatContact: { rate: 0, burst: 1 } },
      throttleErrorName: { StartChatContact: 'TooManyRequestsException' },
    });
    const cmd = () => new StartChatContactCommand({ InstanceId: INSTANCE, ContactFlowId: 'f', ParticipantDetails: { DisplayName: 'x' } });
    await h.connect.send(cmd());
    await expectSdkError(h.client(2).send(cmd()), 'TooManyRequestsException', 429, 2);
  });

  test('rate limits change at run time through POST /_sim/rate-limits', async () => {
    h = await startHarness({ throttling: true });
    const { contactId } = await h.sim.startChat({ instanceId: INSTANCE });
    const res = await fetch(`${h.url}/_sim/rate-limits`, { method: 'POST', body: JSON.stringify({ DescribeContact: { rate: 0, burst: 1 } }) });
    expect(((await res.json()) as Record<string, unknown>)['DescribeContact']).toEqual({ rate: 0, burst: 1 });
    await h.connect.send(describeCmd(contactId));
    await expectSdkError(h.client(1).send(describeCmd(contactId)), 'ThrottlingException', 429, 1);
    await fetch(`${h.url}/_sim/rate-limits`, { method: 'POST', body: JSON.stringify({ DescribeContact: false }) });
    for (let i = 0; i < 30; i++) await h.connect.send(describeCmd(contactId));
  });
});

describe('fault injection', () => {
  test('5xx rate 1: 500 InternalServiceException, retried by the SDK, nothing committed', async () => {
    h = await startHarness({ faults: { error5xxRate: 1, error5xxApis: ['CreatePersistentContactAssociation'] } });
    const { c1 } = await pastSession(h);
    const { contactId: n } = await h.sim.startChat({ instanceId: INSTANCE });
    await expectSdkError(
      h.connect.send(new CreatePersistentContactAssociationCommand({ InstanceId: INSTANCE, InitialContactId: n, RehydrationType: 'ENTIRE_PAST_SESSION', SourceContactId: c1, ClientToken: 't' })),
      'InternalServiceException',
      500,
      3,
    );
    expect(h.sim.stats()).toMatchObject({ associations: 0, injected5xx: 3 });
    // Other APIs are not affected.
    await h.connect.send(describeCmd(n));
  });

  test('throttleRate 1: 429 ThrottlingException on that API only, nothing committed, counted as injected', async () => {
    h = await startHarness({ throttling: false, faults: { throttleRate: { CreatePersistentContactAssociation: 1 } } });
    const { c1 } = await pastSession(h);
    const { contactId: n } = await h.sim.startChat({ instanceId: INSTANCE });
    await expectSdkError(
      h.connect.send(new CreatePersistentContactAssociationCommand({ InstanceId: INSTANCE, InitialContactId: n, RehydrationType: 'ENTIRE_PAST_SESSION', SourceContactId: c1, ClientToken: 't' })),
      'ThrottlingException',
      429,
      3,
    );
    expect(h.sim.stats()).toMatchObject({ associations: 0, injectedThrottles: 3 });
    expect(h.sim.stats().apis.CreatePersistentContactAssociation).toMatchObject({ calls: 3, throttled: 3, failed: 0 });
    await h.connect.send(describeCmd(n));
  });

  test('lostResponseRate 1: every call commits and answers 500; the same ClientToken then replays one association', async () => {
    h = await startHarness({ faults: { lostResponseRate: { CreatePersistentContactAssociation: 1 } } });
    const { c1 } = await pastSession(h);
    const { contactId: n } = await h.sim.startChat({ instanceId: INSTANCE });
    const cpca = () => new CreatePersistentContactAssociationCommand({ InstanceId: INSTANCE, InitialContactId: n, RehydrationType: 'ENTIRE_PAST_SESSION', SourceContactId: c1, ClientToken: 't' });
    await expectSdkError(h.connect.send(cpca()), 'InternalServiceException', 500, 3);
    expect(h.sim.stats()).toMatchObject({ associations: 1, lostResponses: 3 });
    h.sim.setFaults({ lostResponseRate: { CreatePersistentContactAssociation: 0 } });
    await expect(h.connect.send(cpca())).resolves.toMatchObject({ ContinuedFromContactId: expect.any(String) });
    expect(h.sim.stats().associations).toBe(1);
  });

  test('5xx rate is seeded: the same seed gives the same pattern of failures', async () => {
    const pattern = async (seed: number): Promise<string> => {
      const hh = await startHarness({ seed, faults: { error5xxRate: 0.5 } });
      const { contactId } = await hh.sim.startChat({ instanceId: INSTANCE });
      const c = hh.client(1);
      let out = '';
      for (let i = 0; i < 24; i++) {
        out += await c.send(describeCmd(contactId)).then(
          () => '.',
          () => 'x',
        );
      }
      await hh.close();
      return out;
    };
    const a = await pattern(11);
    h = await startHarness();
    expect(await pattern(11)).toBe(a);
    expect(a).toMatch(/x/);
    expect(a).toMatch(/\./);
    expect(await pattern(12)).not.toBe(a);
  });

  test('added latency', async () => {
    h = await startHarness({ faults: { latency: { kind: 'fixed', ms: 80 } } });
    const { contactId } = await h.sim.startChat({ instanceId: INSTANCE });
    const t0 = Date.now();
    await h.connect.send(describeCmd(contactId));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(75);
  });

  test('lost response after commit on StartChatContact: the SDK-filled token makes the retry safe', async () => {
    h = await startHarness({ faults: { lostResponseAfterCommit: { StartChatContact: 1 } } });
    const out = await h.connect.send(new StartChatContactCommand({ InstanceId: INSTANCE, ContactFlowId: 'f', ParticipantDetails: { DisplayName: 'x' } }));
    expect(out.$metadata.attempts).toBe(2);
    expect(h.sim.contacts().map((c) => c.contactId)).toEqual([out.ContactId]);
  });
});

describe('event faults', () => {
  async function lifecycle(): Promise<void> {
    for (let i = 0; i < 10; i++) {
      const { contactId } = await h.sim.startChat({ instanceId: INSTANCE, customerId: `c${i}` });
      await h.sim.acceptContact(INSTANCE, contactId, 'a');
      await h.sim.endContact(INSTANCE, contactId);
    }
    await h.sim.flushEvents();
  }

  test('drop all / duplicate all', async () => {
    h = await startHarness({ faults: { events: { dropRate: 1 } } });
    await lifecycle();
    expect(h.sim.stats().events).toMatchObject({ emitted: 60, dropped: 60, published: 0 });
    await h.close();
    h = await startHarness({ faults: { events: { duplicateRate: 1 } } });
    await lifecycle();
    expect(h.sim.stats().events).toMatchObject({ emitted: 60, duplicated: 60, published: 120 });
  });

  test('reorder: same events, different order; delay: published after flush', async () => {
    h = await startHarness({ faults: { events: { reorderRate: 0.5, delay: { kind: 'uniform', minMs: 0, maxMs: 20 } } } });
    await lifecycle();
    const emitted = h.sim.emittedEvents().map((e) => e.id);
    const published = h.sim.publishedEvents().map((e) => e.id);
    expect([...published].sort()).toEqual([...emitted].sort());
    expect(published).not.toEqual(emitted);
    expect(h.sim.stats().events.reordered).toBeGreaterThan(0);
    expect(h.sim.stats().events.delayed).toBeGreaterThan(0);
  });

  test('a held (reordered) event is released after reorderMaxHoldMs without a follower', async () => {
    h = await startHarness({ faults: { events: { reorderRate: 1, reorderMaxHoldMs: 20 } } });
    h.sim.mirror({ detail: { contactId: 'm', instanceArn: 'arn:aws:connect:us-east-1:0:instance/x' } });
    await h.sim.acceptContact('x', 'm', 'a');
    expect(h.sim.publishedEvents()).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 60));
    expect(h.sim.publishedEvents()).toHaveLength(1);
  });
});
