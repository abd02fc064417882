/** The /_sim/* control routes, and mirror() of a recorded event stream. */
import { CreatePersistentContactAssociationCommand, DescribeContactCommand } from '@aws-sdk/client-connect';
import { type Harness, INSTANCE, startHarness } from './harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown>; errorType: string | null }> {
  const res = await fetch(`${h.url}${path}`, { method, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown>, errorType: res.headers.get('x-amzn-errortype') };
}

test('drive a session over HTTP: start, accept, transfer, end with survey, end; transcript route', async () => {
  const inst = (await call('POST', '/_sim/instances', { instanceId: 'inst-http' })).json['instanceId'];
  expect(inst).toBe('inst-http');
  const c1 = (await call('POST', '/_sim/chats', { instanceId: 'inst-http', customerId: 'cust-h' })).json['contactId'] as string;
  expect((await call('POST', `/_sim/contacts/inst-http/${c1}/accept`, { agentId: 'a1' })).status).toBe(200);
  const c2 = (await call('POST', `/_sim/contacts/inst-http/${c1}/transfer`, { toAgentId: 'a2' })).json['contactId'] as string;
  const c3 = (await call('POST', `/_sim/contacts/inst-http/${c2}/survey`)).json['surveyContactId'] as string;
  expect((await call('POST', `/_sim/contacts/inst-http/${c3}/end`, {})).json).toEqual({});
  h.clock.advance(31_000);
  const n = (await call('POST', '/_sim/chats', { instanceId: 'inst-http', persistentChat: { rehydrationType: 'FROM_SEGMENT', sourceContactId: c2 } })).json;
  expect(n['continuedFromContactId']).toBe(c2);
  const t = await call('GET', `/_sim/contacts/inst-http/${n['contactId'] as string}/transcript`);
  expect(t.json).toEqual({ contactId: n['contactId'], visibleTranscript: [c2, c1] });
  const view = await call('GET', `/_sim/contacts/inst-http/${c3}`);
  expect(view.json).toMatchObject({ contactId: c3, initiationMethod: 'DISCONNECT', previousContactId: c2, initialContactId: c1 });
  const all = await call('GET', '/_sim/contacts');
  expect((all.json['contacts'] as unknown[]).length).toBe(4);
  const events = await call('GET', '/_sim/events');
  expect((events.json['emitted'] as unknown[]).length).toBeGreaterThan(10);
});

test('control errors use the Connect error envelope', async () => {
  const e1 = await call('POST', `/_sim/contacts/${INSTANCE}/nope/accept`, { agentId: 'a' });
  expect([e1.status, e1.errorType]).toEqual([404, 'ResourceNotFoundException']);
  const e2 = await call('POST', '/_sim/chats', {});
  expect([e2.status, e2.errorType]).toEqual([400, 'InvalidParameterException']);
  const e3 = await call('GET', '/_sim/nothing');
  expect([e3.status, e3.errorType]).toEqual([404, 'UnknownOperationException']);
  const e4 = await call('POST', '/_sim/faults', { error5xxRate: 2 });
  expect([e4.status, e4.errorType]).toEqual([400, 'InvalidParameterException']);
  const e5 = await call('POST', '/_sim/faults', { nonsense: 1 });
  expect(e5.status).toBe(400);
  const { contactId } = await h.sim.startChat({ instanceId: INSTANCE });
  await h.sim.endContact(INSTANCE, contactId);
  const e6 = await call('POST', `/_sim/contacts/${INSTANCE}/${contactId}/end`, {});
  expect([e6.status, e6.errorType]).toEqual([400, 'InvalidRequestException']);
});

test('faults: GET shows the state, POST merges, DELETE clears', async () => {
  await call('POST', '/_sim/faults', { error5xxRate: 0.25, lostResponseAfterCommit: { StartChatContact: 2 } });
  await call('POST', '/_sim/faults', { lostResponseAfterCommit: 1, refuseRate: { CreatePersistentContactAssociation: 0.5 }, events: { dropRate: 0.1, delay: { kind: 'uniform', minMs: 1, maxMs: 5 } } });
  const f = await call('GET', '/_sim/faults');
  expect(f.json).toEqual({
    error5xxRate: 0.25,
    lostResponseAfterCommit: { StartChatContact: 2, CreatePersistentContactAssociation: 1 },
    events: { dropRate: 0.1, delay: { kind: 'uniform', minMs: 1, maxMs: 5 } },
    throttleRate: {},
    lostResponseRate: {},
    refuseRate: { CreatePersistentContactAssociation: 0.5 },
  });
  const cleared = await call('DELETE', '/_sim/faults');
  expect(cleared.json).toEqual({ error5xxRate: 0, lostResponseAfterCommit: {}, events: {}, throttleRate: {}, lostResponseRate: {}, refuseRate: {} });
});

test('mirror a recorded event stream, then associate onto it through the SDK', async () => {
  // Record a real-looking stream from another simulator run (different instance, same shapes).
  const recorder = await startHarness({ seed: 42 });
  const { contactId: c1 } = await recorder.sim.startChat({ instanceId: 'rec', customerId: 'cust-r' });
  await recorder.sim.acceptContact('rec', c1, 'a1');
  const { contactId: c2 } = await recorder.sim.transferContact('rec', c1, 'a2');
  const { surveyContactId: c3 } = await recorder.sim.endContact('rec', c2, { survey: true });
  await recorder.sim.endContact('rec', c3 ?? '');
  const stream = recorder.sim.emittedEvents().reverse(); // out of order on purpose
  await recorder.close();

  h.clock.advance(10 * 60_000);
  const m = await call('POST', '/_sim/mirror', { events: stream });
  expect(m.json).toEqual({ mirrored: stream.length });
  const d2 = await h.connect.send(new DescribeContactCommand({ InstanceId: 'rec', ContactId: c2 }));
  expect(d2.Contact).toMatchObject({ InitiationMethod: 'TRANSFER', PreviousContactId: c1, InitialContactId: c1, AgentInfo: { Id: 'a2' } });
  expect(d2.Contact?.DisconnectTimestamp).toBeInstanceOf(Date);
  const { contactId: n } = await h.sim.startChat({ instanceId: 'rec', customerId: 'cust-r' });
  const out = await h.connect.send(
    new CreatePersistentContactAssociationCommand({ InstanceId: 'rec', InitialContactId: n, RehydrationType: 'ENTIRE_PAST_SESSION', SourceContactId: c1, ClientToken: 'm' }),
  );
  expect(out.ContinuedFromContactId).toBe(c3);
  expect(h.sim.transcript('rec', n)).toEqual([c3, c2, c1]);
});

test('mirror accepts a PutEvents entry and rejects events without identity', async () => {
  h.sim.mirror({
    Source: 'aws.connect',
    DetailType: 'Amazon Connect Contact Event',
    Time: new Date(h.clock.now()),
    Detail: JSON.stringify({ eventType: 'INITIATED', contactId: 'x1', channel: 'CHAT', initiationMethod: 'API', tags: { 'aws:connect:instanceId': 'from-tags' } }),
  });
  expect(h.sim.contact('from-tags', 'x1')).toMatchObject({ channel: 'CHAT', mirrored: true });
  expect(() => h.sim.mirror({ detail: { eventType: 'INITIATED' } })).toThrow(/contactId/);
  const bad = await call('POST', '/_sim/mirror', [{ nope: true }]);
  expect(bad.status).toBe(400);
});
