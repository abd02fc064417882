/** DescribeContact and StartChatContact through the real SDK; unknown routes. */
import { DescribeContactCommand, StartChatContactCommand } from '@aws-sdk/client-connect';
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

  const describe_ = (contactId: string, instanceId = INSTANCE) =>
    h.connect.send(new DescribeContactCommand({ InstanceId: instanceId, ContactId: contactId }));

  describe('DescribeContact', () => {
    test('lineage fields of C1 -> C2 (TRANSFER) -> C3 (DISCONNECT), epoch-second timestamps', async () => {
      const start = h.clock.now();
      const { c1, c2, c3 } = await pastSession(h, 'cust-9');
      const d1 = (await describe_(c1)).Contact;
      expect(d1).toMatchObject({
        Id: c1,
        Arn: `arn:aws:connect:us-east-1:000000000000:instance/${INSTANCE}/contact/${c1}`,
        InitialContactId: c1,
        InitiationMethod: 'API',
        Channel: 'CHAT',
        CustomerId: 'cust-9',
        AgentInfo: { Id: 'a1' },
      });
      expect(d1?.PreviousContactId).toBeUndefined();
      expect(d1?.InitiationTimestamp).toEqual(new Date(start));
      expect(d1?.DisconnectTimestamp).toEqual(new Date(start + 61_000));
      expect(d1?.AgentInfo?.ConnectedToAgentTimestamp).toEqual(new Date(start + 1000));
      const d2 = (await describe_(c2)).Contact;
      expect(d2).toMatchObject({ Id: c2, InitialContactId: c1, PreviousContactId: c1, InitiationMethod: 'TRANSFER', AgentInfo: { Id: 'a2' } });
      const d3 = (await describe_(c3)).Contact;
      expect(d3).toMatchObject({ Id: c3, InitialContactId: c1, PreviousContactId: c2, InitiationMethod: 'DISCONNECT' });
      expect(d3?.AgentInfo).toBeUndefined();
    });

    test('fractional epoch seconds survive the SDK', async () => {
      h.clock.advance(123);
      const { contactId } = await h.sim.startChat({ instanceId: INSTANCE });
      const d = (await describe_(contactId)).Contact;
      expect(d?.InitiationTimestamp?.getTime()).toBe(h.clock.now());
    });

    test('labels are percent-decoded', async () => {
      const weird = 'a/b?c#d e+f%';
      h.sim.createInstance(weird);
      const { contactId } = await h.sim.startChat({ instanceId: weird });
      const d = (await describe_(contactId, weird)).Contact;
      expect(d?.Id).toBe(contactId);
    });

    test('errors: unknown instance/contact 404; bad lengths 400 InvalidParameterException', async () => {
      const { contactId } = await h.sim.startChat({ instanceId: INSTANCE });
      await expectSdkError(describe_(contactId, 'other'), 'ResourceNotFoundException', 404, 1);
      await expectSdkError(describe_('nope'), 'ResourceNotFoundException', 404, 1);
      await expectSdkError(describe_('x'.repeat(257)), 'InvalidParameterException', 400, 1);
      await expectSdkError(describe_(contactId, 'i'.repeat(101)), 'InvalidParameterException', 400, 1);
      await expectSdkError(describe_(''), 'InvalidParameterException', 400, 1);
    });
  });

  describe('StartChatContact', () => {
    const base = { InstanceId: INSTANCE, ContactFlowId: 'flow-1', ParticipantDetails: { DisplayName: 'Ann' } };

    test('starts a CHAT contact (API), queued; response has ContactId, ParticipantId, ParticipantToken', async () => {
      const out = await h.connect.send(new StartChatContactCommand({ ...base, CustomerId: 'cust-1', Attributes: { tier: 'gold' } }));
      expect(out).toMatchObject({ ContactId: expect.any(String), ParticipantId: expect.any(String), ParticipantToken: expect.any(String) });
      expect(out.ContinuedFromContactId).toBeUndefined();
      const c = h.sim.contact(INSTANCE, out.ContactId ?? '');
      expect(c).toMatchObject({ channel: 'CHAT', initiationMethod: 'API', customerId: 'cust-1', attributes: { tier: 'gold' } });
      expect(c?.queue?.type).toBe('STANDARD');
      expect(h.sim.stats().apis.StartChatContact).toMatchObject({ calls: 1, succeeded: 1 });
    });

    test('SegmentAttributes round-trip to DescribeContact; a non-object value is 400 InvalidParameterException', async () => {
      const out = await h.connect.send(new StartChatContactCommand({ ...base, SegmentAttributes: { 'connect:Subtype': { ValueString: 'connect:Chat' } } }));
      const d = await h.connect.send(new DescribeContactCommand({ InstanceId: INSTANCE, ContactId: out.ContactId ?? '' }));
      expect(d.Contact?.SegmentAttributes).toEqual({ 'connect:Subtype': { ValueString: 'connect:Chat' } });
      const res = await fetch(`${h.url}/contact/chat`, {
        method: 'PUT',
        body: JSON.stringify({ ...base, SegmentAttributes: { x: 'nope' } }),
      });
      expect([res.status, res.headers.get('x-amzn-errortype')]).toEqual([400, 'InvalidParameterException']);
    });

    test('the SDK-filled ClientToken is idempotent: a resend returns the same contact', async () => {
      const cmd = new StartChatContactCommand({ ...base, ClientToken: 'start-1' });
      const a = await h.connect.send(cmd);
      const b = await h.connect.send(new StartChatContactCommand({ ...base, ClientToken: 'start-1' }));
      expect(b.ContactId).toBe(a.ContactId);
      expect(h.sim.contacts()).toHaveLength(1);
      await expectSdkError(
        h.connect.send(new StartChatContactCommand({ ...base, ClientToken: 'start-1', CustomerId: 'other' })),
        'InvalidRequestException',
        400,
        1,
      );
    });

    test('RelatedContactId copies the related contact attributes and is not persistence', async () => {
      const r = await h.sim.startChat({ instanceId: INSTANCE, attributes: { k: 'v' } });
      const out = await h.connect.send(new StartChatContactCommand({ ...base, RelatedContactId: r.contactId }));
      const c = h.sim.contact(INSTANCE, out.ContactId ?? '');
      expect(c).toMatchObject({ relatedContactId: r.contactId, attributes: { k: 'v' } });
      expect(c?.continuedFromContactId).toBeUndefined();
    });

    test('errors: PersistentChat + RelatedContactId 400; unknown instance/related/source 404; shapes 400 InvalidParameterException', async () => {
      const { c1 } = await pastSession(h);
      await expectSdkError(
        h.connect.send(new StartChatContactCommand({ ...base, RelatedContactId: c1, PersistentChat: { RehydrationType: 'FROM_SEGMENT', SourceContactId: c1 } })),
        'InvalidRequestException',
        400,
        1,
      );
      await expectSdkError(h.connect.send(new StartChatContactCommand({ ...base, InstanceId: 'nope' })), 'ResourceNotFoundException', 404, 1);
      await expectSdkError(h.connect.send(new StartChatContactCommand({ ...base, RelatedContactId: 'nope' })), 'ResourceNotFoundException', 404, 1);
      await expectSdkError(
        h.connect.send(new StartChatContactCommand({ ...base, PersistentChat: { SourceContactId: c1 } })),
        'InvalidParameterException',
        400,
        1,
      );
      await expectSdkError(
        h.connect.send(new StartChatContactCommand({ ...base, ParticipantDetails: undefined as unknown as { DisplayName: string } })),
        'InvalidParameterException',
        400,
        1,
      );
      await expectSdkError(h.connect.send(new StartChatContactCommand({ ...base, CustomerId: 'c'.repeat(129) })), 'InvalidParameterException', 400, 1);
      await expectSdkError(h.connect.send(new StartChatContactCommand({ ...base, ChatDurationInMinutes: 5 })), 'InvalidParameterException', 400, 1);
      await expectSdkError(
        h.connect.send(new StartChatContactCommand({ ...base, PersistentChat: { RehydrationType: 'FROM_SEGMENT', SourceContactId: 'nope' } })),
        'ResourceNotFoundException',
        404,
        1,
      );
      expect(h.sim.stats().apis.StartChatContact).toMatchObject({ calls: 8, succeeded: 0, failed: 8 });
    });

    test('the configurable choice for PersistentChat + RelatedContactId', async () => {
      await h.close();
      h = await startHarness({ ...options, semantics: { persistentAndRelatedError: 'InvalidParameterException' } });
      const { c1 } = await pastSession(h);
      await expectSdkError(
        h.connect.send(new StartChatContactCommand({ ...base, RelatedContactId: c1, PersistentChat: { RehydrationType: 'FROM_SEGMENT', SourceContactId: c1 } })),
        'InvalidParameterException',
        400,
        1,
      );
    });
  });

  describe('unknown routes and bodies', () => {
    test('unknown route: 404 UnknownOperationException with the AWS error headers', async () => {
      for (const [method, path] of [['GET', '/nothing/here'], ['DELETE', '/contact/chat'], ['GET', '/contact/chat']] as const) {
        const res = await fetch(`${h.url}${path}`, { method });
        expect(res.status).toBe(404);
        expect(res.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
        expect(res.headers.get('x-amzn-requestid')).toBeTruthy();
        expect(await res.json()).toEqual({ message: expect.any(String) });
      }
    });

    test('malformed JSON: 400 SerializationException, the simulator keeps serving', async () => {
      const res = await fetch(`${h.url}/contact/chat`, { method: 'PUT', body: '{not json' });
      expect(res.status).toBe(400);
      expect(res.headers.get('x-amzn-errortype')).toBe('SerializationException');
      const ok = await fetch(`${h.url}/_sim/stats`);
      expect(ok.status).toBe(200);
    });
  });
});
