/** StopContact, TransferContact and GetContactAttributes through the real SDK, with their error shapes. */
import { GetContactAttributesCommand, StopContactCommand, TransferContactCommand } from '@aws-sdk/client-connect';
import { expectSdkError, type Harness, INSTANCE, startHarness } from './harness';

let h: Harness;
afterEach(async () => {
  await h.close();
});

describe('StopContact', () => {
  beforeEach(async () => {
    h = await startHarness();
  });

  test('ends an active chat: DISCONNECTED, COMPLETED; DescribeContact shows the end', async () => {
    const { contactId } = await h.sim.startChat({ instanceId: INSTANCE });
    h.clock.advance(5000);
    const out = await h.connect.send(new StopContactCommand({ InstanceId: INSTANCE, ContactId: contactId, DisconnectReason: { Code: 'X' } }));
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(h.sim.contact(INSTANCE, contactId)?.disconnectTimestamp).toBe(h.clock.now());
    const types = h.sim.emittedEvents().map((e) => e.detail.eventType);
    expect(types.slice(-2)).toEqual(['DISCONNECTED', 'COMPLETED']);
  });

  test('errors: unknown instance 404; unknown contact and ended contact 410 ContactNotFoundException; shapes 400', async () => {
    const { contactId } = await h.sim.startChat({ instanceId: INSTANCE });
    await expectSdkError(h.connect.send(new StopContactCommand({ InstanceId: 'nope', ContactId: contactId })), 'ResourceNotFoundException', 404, 1);
    await expectSdkError(h.connect.send(new StopContactCommand({ InstanceId: INSTANCE, ContactId: 'nope' })), 'ContactNotFoundException', 410, 1);
    await h.sim.endContact(INSTANCE, contactId);
    await expectSdkError(h.connect.send(new StopContactCommand({ InstanceId: INSTANCE, ContactId: contactId })), 'ContactNotFoundException', 410, 1);
    await expectSdkError(
      h.connect.send(new StopContactCommand({ InstanceId: INSTANCE, ContactId: undefined as unknown as string })),
      'InvalidParameterException',
      400,
      1,
    );
    await expectSdkError(h.connect.send(new StopContactCommand({ InstanceId: 'i'.repeat(101), ContactId: contactId })), 'InvalidParameterException', 400, 1);
  });

  test('stopEndedContactError is configurable', async () => {
    await h.close();
    h = await startHarness({ semantics: { stopEndedContactError: 'InvalidRequestException' } });
    const { contactId } = await h.sim.startChat({ instanceId: INSTANCE });
    await h.sim.endContact(INSTANCE, contactId);
    await expectSdkError(h.connect.send(new StopContactCommand({ InstanceId: INSTANCE, ContactId: contactId })), 'InvalidRequestException', 400, 1);
  });
});

describe('TransferContact', () => {
  test('documented default: CHAT is refused (TASK and EMAIL only) with InvalidRequestException', async () => {
    h = await startHarness();
    const { contactId } = await h.sim.startChat({ instanceId: INSTANCE });
    await expectSdkError(
      h.connect.send(new TransferContactCommand({ InstanceId: INSTANCE, ContactId: contactId, ContactFlowId: 'f', QueueId: 'q' })),
      'InvalidRequestException',
      400,
      1,
    );
  });

  describe('with transferApiChat: allow', () => {
    beforeEach(async () => {
      h = await startHarness({ semantics: { transferApiChat: 'allow' } });
    });

    test('to a user: new TRANSFER contact queued to the agent queue, old one ended; idempotent token', async () => {
      const { contactId: c1 } = await h.sim.startChat({ instanceId: INSTANCE, customerId: 'c' });
      await h.sim.acceptContact(INSTANCE, c1, 'a1');
      const cmd = { InstanceId: INSTANCE, ContactId: c1, ContactFlowId: 'f', UserId: 'a2', ClientToken: 'tr-1' };
      const out = await h.connect.send(new TransferContactCommand(cmd));
      expect(out.ContactArn).toBe(`arn:aws:connect:us-east-1:000000000000:instance/${INSTANCE}/contact/${out.ContactId}`);
      const c2 = h.sim.contact(INSTANCE, out.ContactId ?? '');
      expect(c2).toMatchObject({ initiationMethod: 'TRANSFER', previousContactId: c1, initialContactId: c1, queue: { type: 'AGENT', id: 'a2' } });
      expect(c2?.agent).toBeUndefined();
      expect(h.sim.contact(INSTANCE, c1)?.disconnectTimestamp).toBeDefined();
      const again = await h.connect.send(new TransferContactCommand(cmd));
      expect(again.ContactId).toBe(out.ContactId);
      await expectSdkError(h.connect.send(new TransferContactCommand({ ...cmd, UserId: 'a3' })), 'IdempotencyException', 409, 1);
      await h.sim.acceptContact(INSTANCE, out.ContactId ?? '', 'a2');
      expect(h.sim.contact(INSTANCE, out.ContactId ?? '')?.agent?.id).toBe('a2');
    });

    test('to a queue; the SDK fills the ClientToken', async () => {
      const { contactId } = await h.sim.startChat({ instanceId: INSTANCE });
      const out = await h.connect.send(new TransferContactCommand({ InstanceId: INSTANCE, ContactId: contactId, ContactFlowId: 'f', QueueId: 'q-2' }));
      expect(h.sim.contact(INSTANCE, out.ContactId ?? '')?.queue).toMatchObject({ type: 'STANDARD', id: 'q-2' });
    });

    test('errors: QueueId and UserId both or neither, missing ContactFlowId, ended contact 400; unknown 404', async () => {
      const { contactId } = await h.sim.startChat({ instanceId: INSTANCE });
      const base = { InstanceId: INSTANCE, ContactId: contactId, ContactFlowId: 'f' };
      await expectSdkError(h.connect.send(new TransferContactCommand({ ...base, QueueId: 'q', UserId: 'u' })), 'InvalidRequestException', 400, 1);
      await expectSdkError(h.connect.send(new TransferContactCommand(base)), 'InvalidRequestException', 400, 1);
      await expectSdkError(
        h.connect.send(new TransferContactCommand({ ...base, ContactFlowId: undefined as unknown as string, QueueId: 'q' })),
        'InvalidRequestException',
        400,
        1,
      );
      await expectSdkError(h.connect.send(new TransferContactCommand({ ...base, InstanceId: 'nope', QueueId: 'q' })), 'ResourceNotFoundException', 404, 1);
      await expectSdkError(h.connect.send(new TransferContactCommand({ ...base, ContactId: 'nope', QueueId: 'q' })), 'ResourceNotFoundException', 404, 1);
      await h.sim.endContact(INSTANCE, contactId);
      await expectSdkError(h.connect.send(new TransferContactCommand({ ...base, QueueId: 'q' })), 'InvalidRequestException', 400, 1);
    });

    test('a contact chain cannot be transferred more than maxTransfers times: 402 ServiceQuotaExceededException', async () => {
      await h.close();
      h = await startHarness({ semantics: { transferApiChat: 'allow', maxTransfers: 2 } });
      let { contactId } = await h.sim.startChat({ instanceId: INSTANCE });
      for (let i = 0; i < 2; i++) {
        const out = await h.connect.send(new TransferContactCommand({ InstanceId: INSTANCE, ContactId: contactId, ContactFlowId: 'f', QueueId: 'q' }));
        contactId = out.ContactId ?? '';
      }
      await expectSdkError(
        h.connect.send(new TransferContactCommand({ InstanceId: INSTANCE, ContactId: contactId, ContactFlowId: 'f', QueueId: 'q' })),
        'ServiceQuotaExceededException',
        402,
        1,
      );
    });
  });
});

describe('GetContactAttributes', () => {
  beforeEach(async () => {
    h = await startHarness();
  });

  test('returns the attributes, also after the contact ended', async () => {
    const { contactId } = await h.sim.startChat({ instanceId: INSTANCE, attributes: { tier: 'gold', lang: 'en' } });
    await h.sim.endContact(INSTANCE, contactId);
    const out = await h.connect.send(new GetContactAttributesCommand({ InstanceId: INSTANCE, InitialContactId: contactId }));
    expect(out.Attributes).toEqual({ tier: 'gold', lang: 'en' });
  });

  test('errors: 404 unknown; 400 InvalidRequestException for bad lengths', async () => {
    await expectSdkError(h.connect.send(new GetContactAttributesCommand({ InstanceId: INSTANCE, InitialContactId: 'nope' })), 'ResourceNotFoundException', 404, 1);
    await expectSdkError(h.connect.send(new GetContactAttributesCommand({ InstanceId: 'nope', InitialContactId: 'x' })), 'ResourceNotFoundException', 404, 1);
    await expectSdkError(
      h.connect.send(new GetContactAttributesCommand({ InstanceId: INSTANCE, InitialContactId: 'x'.repeat(257) })),
      'InvalidRequestException',
      400,
      1,
    );
  });
});
