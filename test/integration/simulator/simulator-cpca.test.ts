/**
 * CreatePersistentContactAssociation through the real @aws-sdk/client-connect against the
 * simulator: the seed use cases, cumulative linkage, every error case, ClientToken idempotency and
 * the lost-response-after-commit fault.
 */
import {
  CreatePersistentContactAssociationCommand,
  DescribeContactCommand,
  StartChatContactCommand,
} from '@aws-sdk/client-connect';
import { expectSdkError, type Harness, INSTANCE, pastSession, startHarness, CONTACT_KEEPING } from './harness';

// Every case twice: contacts in memory, and spilled to the SQLite archive (one kept in memory).
describe.each(CONTACT_KEEPING)('contacts $name', ({ options }) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness(options);
  });
  afterEach(async () => {
    await h.close();
  });

  async function newChat(customerId = 'cust-1'): Promise<string> {
    const out = await h.connect.send(
      new StartChatContactCommand({
        InstanceId: INSTANCE,
        ContactFlowId: 'flow-1',
        ParticipantDetails: { DisplayName: 'Customer' },
        CustomerId: customerId,
      }),
    );
    if (!out.ContactId) throw new Error('no contact id');
    return out.ContactId;
  }

  function cpca(current: string, type: string, source: string, token?: string, instanceId = INSTANCE) {
    return new CreatePersistentContactAssociationCommand({
      InstanceId: instanceId,
      InitialContactId: current,
      // Bad enum values are sent as-is: the SDK does not validate (docs/sources.md#cpca-wire-protocol).
      RehydrationType: type as 'FROM_SEGMENT',
      SourceContactId: source,
      ...(token !== undefined ? { ClientToken: token } : {}),
    });
  }

  describe('seed use cases', () => {
    test('FROM_SEGMENT C2: continues from C2, sees C2, C1 (survey C3 dropped)', async () => {
      const { c1, c2 } = await pastSession(h);
      const n = await newChat();
      const out = await h.connect.send(cpca(n, 'FROM_SEGMENT', c2, 'tok-1'));
      expect(out.ContinuedFromContactId).toBe(c2);
      expect(out.$metadata.attempts).toBe(1);
      expect(h.sim.transcript(INSTANCE, n)).toEqual([c2, c1]);
      const d = await h.connect.send(new DescribeContactCommand({ InstanceId: INSTANCE, ContactId: n }));
      expect(d.Contact?.RelatedContactId).toBe(c2);
      expect(h.sim.stats().associations).toBe(1);
    });

    test('ENTIRE_PAST_SESSION C1: continues from the last ended contact C3, sees C3, C2, C1', async () => {
      const { c1, c2, c3 } = await pastSession(h);
      const n = await newChat();
      const out = await h.connect.send(cpca(n, 'ENTIRE_PAST_SESSION', c1, 'tok-1'));
      expect(out.ContinuedFromContactId).toBe(c3);
      expect(h.sim.transcript(INSTANCE, n)).toEqual([c3, c2, c1]);
      const res = await fetch(`${h.url}/_sim/contacts/${INSTANCE}/${n}/transcript`);
      expect(await res.json()).toEqual({ contactId: n, visibleTranscript: [c3, c2, c1] });
    });

    test('linkages are cumulative across sessions', async () => {
      const { c1, c2, c3 } = await pastSession(h);
      const n = await newChat();
      await h.connect.send(cpca(n, 'ENTIRE_PAST_SESSION', c1, 'tok-1'));
      await h.sim.acceptContact(INSTANCE, n, 'a3');
      await h.sim.endContact(INSTANCE, n);
      h.clock.advance(31_000);
      const m = await newChat();
      const out = await h.connect.send(cpca(m, 'FROM_SEGMENT', n, 'tok-2'));
      expect(out.ContinuedFromContactId).toBe(n);
      expect(h.sim.transcript(INSTANCE, m)).toEqual([n, c3, c2, c1]);
    });

    test('StartChatContact.PersistentChat associates at start and answers ContinuedFromContactId', async () => {
      const { c1, c2, c3 } = await pastSession(h);
      const out = await h.connect.send(
        new StartChatContactCommand({
          InstanceId: INSTANCE,
          ContactFlowId: 'flow-1',
          ParticipantDetails: { DisplayName: 'Customer' },
          PersistentChat: { RehydrationType: 'ENTIRE_PAST_SESSION', SourceContactId: c1 },
        }),
      );
      expect(out.ContinuedFromContactId).toBe(c3);
      expect(h.sim.transcript(INSTANCE, out.ContactId ?? '')).toEqual([c3, c2, c1]);
      // Persistent once: a later CPCA on the same chat is refused.
      await expectSdkError(h.connect.send(cpca(out.ContactId ?? '', 'FROM_SEGMENT', c2)), 'InvalidRequestException', 400, 1);
      expect(h.sim.stats().associations).toBe(1);
    });
  });

  describe('errors (no SDK retry on 4xx)', () => {
    test('unknown instance, current contact or source: 404 ResourceNotFoundException', async () => {
      const { c2 } = await pastSession(h);
      const n = await newChat();
      await expectSdkError(h.connect.send(cpca(n, 'FROM_SEGMENT', c2, undefined, 'no-such-instance')), 'ResourceNotFoundException', 404, 1);
      await expectSdkError(h.connect.send(cpca('no-such-contact', 'FROM_SEGMENT', c2)), 'ResourceNotFoundException', 404, 1);
      await expectSdkError(h.connect.send(cpca(n, 'FROM_SEGMENT', 'no-such-source')), 'ResourceNotFoundException', 404, 1);
    });

    test('shape errors: 400 InvalidParameterException', async () => {
      const { c2 } = await pastSession(h);
      const n = await newChat();
      await expectSdkError(h.connect.send(cpca(n, 'WHOLE_THING', c2)), 'InvalidParameterException', 400, 1);
      await expectSdkError(h.connect.send(cpca(n, 'FROM_SEGMENT', '')), 'InvalidParameterException', 400, 1);
      await expectSdkError(h.connect.send(cpca(n, 'FROM_SEGMENT', 'x'.repeat(257))), 'InvalidParameterException', 400, 1);
      await expectSdkError(h.connect.send(cpca('x'.repeat(257), 'FROM_SEGMENT', c2)), 'InvalidParameterException', 400, 1);
      await expectSdkError(h.connect.send(cpca(n, 'FROM_SEGMENT', c2, 't'.repeat(501))), 'InvalidParameterException', 400, 1);
      await expectSdkError(h.connect.send(cpca(n, 'FROM_SEGMENT', c2, undefined, 'i'.repeat(101))), 'InvalidParameterException', 400, 1);
      const missing = new CreatePersistentContactAssociationCommand({
        InstanceId: INSTANCE,
        InitialContactId: n,
        RehydrationType: 'FROM_SEGMENT',
        SourceContactId: undefined as unknown as string,
      });
      const e = await expectSdkError(h.connect.send(missing), 'InvalidParameterException', 400, 1);
      expect(e.message).toMatch(/SourceContactId/);
      expect(h.sim.stats().associations).toBe(0);
    });

    test('source not ended, or ended less than transcriptReadySeconds ago: 400 InvalidRequestException', async () => {
      const { contactId: active } = await h.sim.startChat({ instanceId: INSTANCE, customerId: 'c' });
      const n = await newChat();
      await expectSdkError(h.connect.send(cpca(n, 'FROM_SEGMENT', active)), 'InvalidRequestException', 400, 1);
      await expectSdkError(h.connect.send(cpca(n, 'ENTIRE_PAST_SESSION', active)), 'InvalidRequestException', 400, 1);
      const fresh = await pastSession(h, 'cust-2', 10); // the survey C3 ended 10 s ago
      const e = await expectSdkError(h.connect.send(cpca(n, 'FROM_SEGMENT', fresh.c3)), 'InvalidRequestException', 400, 1);
      expect(e.message).toMatch(/transcript/);
      await expectSdkError(h.connect.send(cpca(n, 'ENTIRE_PAST_SESSION', fresh.c1)), 'InvalidRequestException', 400, 1);
      h.clock.advance(21_000);
      await expect(h.connect.send(cpca(n, 'ENTIRE_PAST_SESSION', fresh.c1))).resolves.toMatchObject({ ContinuedFromContactId: fresh.c3 });
    });

    test('ENTIRE_PAST_SESSION while a segment of the session is still active: InvalidRequestException', async () => {
      const { contactId: c1 } = await h.sim.startChat({ instanceId: INSTANCE });
      const { surveyContactId } = await h.sim.endContact(INSTANCE, c1, { survey: true });
      expect(surveyContactId).toBeDefined();
      h.clock.advance(60_000);
      const n = await newChat();
      await expectSdkError(h.connect.send(cpca(n, 'ENTIRE_PAST_SESSION', c1)), 'InvalidRequestException', 400, 1);
      // FROM_SEGMENT on the ended first segment is fine.
      await expect(h.connect.send(cpca(n, 'FROM_SEGMENT', c1))).resolves.toMatchObject({ ContinuedFromContactId: c1 });
    });

    test('current contact already persistent (earlier CPCA) or not active: InvalidRequestException', async () => {
      const { c1, c2 } = await pastSession(h);
      const n = await newChat();
      await h.connect.send(cpca(n, 'FROM_SEGMENT', c2, 'tok-a'));
      await expectSdkError(h.connect.send(cpca(n, 'ENTIRE_PAST_SESSION', c1, 'tok-b')), 'InvalidRequestException', 400, 1);
      const ended = await newChat();
      await h.sim.endContact(INSTANCE, ended);
      await expectSdkError(h.connect.send(cpca(ended, 'FROM_SEGMENT', c2)), 'InvalidRequestException', 400, 1);
      expect(h.sim.stats().associations).toBe(1);
    });

    test('source or current contact not CHAT (mirrored VOICE contacts): InvalidRequestException', async () => {
      const { c2 } = await pastSession(h);
      const voice = (contactId: string, eventType: string) => ({
        'detail-type': 'Amazon Connect Contact Event',
        source: 'aws.connect',
        time: new Date(h.clock.now() - 120_000).toISOString(),
        detail: {
          eventType,
          contactId,
          channel: 'VOICE',
          initiationMethod: 'INBOUND',
          instanceArn: `arn:aws:connect:us-east-1:000000000000:instance/${INSTANCE}`,
          initiationTimestamp: new Date(h.clock.now() - 200_000).toISOString(),
        },
      });
      h.sim.mirror(voice('voice-ended', 'DISCONNECTED'));
      h.sim.mirror(voice('voice-active', 'INITIATED'));
      const n = await newChat();
      await expectSdkError(h.connect.send(cpca(n, 'FROM_SEGMENT', 'voice-ended')), 'InvalidRequestException', 400, 1);
      await expectSdkError(h.connect.send(cpca('voice-active', 'FROM_SEGMENT', c2)), 'InvalidRequestException', 400, 1);
    });

    test('every response carries x-amzn-RequestId; errors carry x-amzn-ErrorType and {"message"}', async () => {
      const res = await fetch(`${h.url}/contact/persistent-contact-association/${INSTANCE}/nope`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ RehydrationType: 'FROM_SEGMENT', SourceContactId: 'x' }),
      });
      expect(res.status).toBe(404);
      expect(res.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
      expect(res.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
      expect(Object.keys((await res.json()) as object)).toEqual(['message']);
    });
  });

  describe('ClientToken idempotency', () => {
    test('same token + same parameters replays the original 200; one association', async () => {
      const { c1, c3 } = await pastSession(h);
      const n = await newChat();
      const first = await h.connect.send(cpca(n, 'ENTIRE_PAST_SESSION', c1, 'tok-same'));
      const again = await h.connect.send(cpca(n, 'ENTIRE_PAST_SESSION', c1, 'tok-same'));
      expect(first.ContinuedFromContactId).toBe(c3);
      expect(again.ContinuedFromContactId).toBe(c3);
      expect(again.$metadata.attempts).toBe(1);
      const s = h.sim.stats();
      expect(s.apis.CreatePersistentContactAssociation).toMatchObject({ calls: 2, succeeded: 2, failed: 0, replayed: 1 });
      expect(s.associations).toBe(1);
      expect(s.associationsByContact).toEqual({ [n]: 1 });
    });

    test('same token + different parameters: 400 InvalidRequestException (configurable)', async () => {
      const { c1, c2 } = await pastSession(h);
      const n = await newChat();
      await h.connect.send(cpca(n, 'ENTIRE_PAST_SESSION', c1, 'tok-x'));
      await expectSdkError(h.connect.send(cpca(n, 'FROM_SEGMENT', c2, 'tok-x')), 'InvalidRequestException', 400, 1);
    });

    test('the mismatch error name is configurable', async () => {
      await h.close();
      h = await startHarness({ ...options, semantics: { idempotencyMismatchError: { CreatePersistentContactAssociation: 'IdempotencyException' } } });
      const { c1, c2 } = await pastSession(h);
      const n = await newChat();
      await h.connect.send(cpca(n, 'ENTIRE_PAST_SESSION', c1, 'tok-x'));
      await expectSdkError(h.connect.send(cpca(n, 'FROM_SEGMENT', c2, 'tok-x')), 'IdempotencyException', 409, 1);
    });

    test("cpcaTokenReplay 'check-state-first': a repeat of a committed call is refused as already persistent, not replayed", async () => {
      await h.close();
      h = await startHarness({ ...options, semantics: { cpcaTokenReplay: 'check-state-first' } });
      const { c1, c3 } = await pastSession(h);
      const n = await newChat();
      expect((await h.connect.send(cpca(n, 'ENTIRE_PAST_SESSION', c1, 'tok-first'))).ContinuedFromContactId).toBe(c3);
      await expectSdkError(h.connect.send(cpca(n, 'ENTIRE_PAST_SESSION', c1, 'tok-first')), 'InvalidRequestException', 400, 1);
      expect(h.sim.stats().associationsByContact).toEqual({ [n]: 1 });
      // The association is there all the same: DescribeContact names its source.
      expect((await h.connect.send(new DescribeContactCommand({ InstanceId: INSTANCE, ContactId: n }))).Contact?.RelatedContactId).toBe(c3);
    });

    test('refuseRate: the call is refused with 400 InvalidRequestException before anything is done', async () => {
      const { c1 } = await pastSession(h);
      const n = await newChat();
      h.sim.setFaults({ refuseRate: { CreatePersistentContactAssociation: 1 } });
      await expectSdkError(h.connect.send(cpca(n, 'ENTIRE_PAST_SESSION', c1, 'tok-r')), 'InvalidRequestException', 400, 1);
      expect(h.sim.stats()).toMatchObject({ associations: 0, injectedRefusals: 1 });
      h.sim.setFaults({ refuseRate: { CreatePersistentContactAssociation: 0 } });
      // Nothing was stored under the token: the next call with it associates.
      await h.connect.send(cpca(n, 'ENTIRE_PAST_SESSION', c1, 'tok-r'));
      expect(h.sim.stats().associations).toBe(1);
    });

    test('tokens expire after the retention window (default 7 days)', async () => {
      const { c1 } = await pastSession(h);
      const n = await newChat();
      await h.connect.send(cpca(n, 'ENTIRE_PAST_SESSION', c1, 'tok-old'));
      h.clock.advance(7 * 24 * 3600 * 1000 + 1000);
      // The replay is gone; the call is evaluated again (the chat is no longer active by then? it is: nobody ended it).
      await expectSdkError(h.connect.send(cpca(n, 'ENTIRE_PAST_SESSION', c1, 'tok-old')), 'InvalidRequestException', 400, 1);
    });
  });

  describe('lost response after commit', () => {
    test('SDK retry with the same token gets the replayed 200: exactly one association', async () => {
      const { c1, c3 } = await pastSession(h);
      const n = await newChat();
      h.sim.setFaults({ lostResponseAfterCommit: 1 });
      const out = await h.connect.send(cpca(n, 'ENTIRE_PAST_SESSION', c1, 'tok-lost'));
      expect(out.ContinuedFromContactId).toBe(c3);
      expect(out.$metadata.attempts).toBe(2);
      const s = h.sim.stats();
      expect(s.associations).toBe(1);
      expect(s.lostResponses).toBe(1);
      expect(s.apis.CreatePersistentContactAssociation).toMatchObject({ calls: 2, succeeded: 1, failed: 1, replayed: 1 });
    });

    test('set at run time by POST /_sim/faults; a later call with the kept token replays the 200', async () => {
      const { c1, c3 } = await pastSession(h);
      const n = await newChat();
      const res = await fetch(`${h.url}/_sim/faults`, { method: 'POST', body: JSON.stringify({ lostResponseAfterCommit: 3 }) });
      expect(res.status).toBe(200);
      const noRetry = h.client(1);
      for (let i = 0; i < 3; i++) {
        await expectSdkError(noRetry.send(cpca(n, 'ENTIRE_PAST_SESSION', c1, 'tok-kept')), 'InternalServiceException', 500, 1);
      }
      const out = await noRetry.send(cpca(n, 'ENTIRE_PAST_SESSION', c1, 'tok-kept'));
      expect(out.ContinuedFromContactId).toBe(c3);
      expect(h.sim.stats().associations).toBe(1);
      const stats = (await (await fetch(`${h.url}/_sim/stats`)).json()) as { associations: number };
      expect(stats.associations).toBe(1);
    });

    test('without a ClientToken the retry is refused: the association happened but the caller never learns it', async () => {
      const { c1 } = await pastSession(h);
      const n = await newChat();
      h.sim.setFaults({ lostResponseAfterCommit: 1 });
      await expectSdkError(h.connect.send(cpca(n, 'ENTIRE_PAST_SESSION', c1)), 'InvalidRequestException', 400, 2);
      expect(h.sim.stats().associations).toBe(1);
    });

    test('the default SDK gives up after 3 attempts when every response is lost', async () => {
      const { c1 } = await pastSession(h);
      const n = await newChat();
      h.sim.setFaults({ lostResponseAfterCommit: 5 });
      await expectSdkError(h.connect.send(cpca(n, 'ENTIRE_PAST_SESSION', c1, 'tok-z')), 'InternalServiceException', 500, 3);
      expect(h.sim.stats().associations).toBe(1);
      expect(h.sim.faults().lostResponseAfterCommit.CreatePersistentContactAssociation).toBe(2);
    });
  });
});
