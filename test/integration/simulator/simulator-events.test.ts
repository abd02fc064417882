/** Contact events: the EventBridge format, the per-channel sequences, publish and eventsEndpoint. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { CreatePersistentContactAssociationCommand } from '@aws-sdk/client-connect';
import { CONNECT_EVENT_SOURCE, CONTACT_EVENT_DETAIL_TYPE } from '../../../core/constants';
import { ConnectSimulator, VirtualClock } from '../../../simulator';
import { type Harness, INSTANCE, pastSession, startHarness } from './harness';

let h: Harness;
let published: PutEventsRequestEntry[];
beforeEach(async () => {
  published = [];
  h = await startHarness({
    publish: async (entries) => {
      published.push(...entries);
    },
  });
});
afterEach(async () => {
  await h.close();
});

const typesOf = (contactId: string) =>
  h.sim.emittedEvents().filter((e) => e.detail.contactId === contactId).map((e) => e.detail.eventType);

test('chat sequence and exact format of each event', async () => {
  const t0 = h.clock.now();
  const { contactId } = await h.sim.startChat({ instanceId: INSTANCE, customerId: 'cust-1' });
  h.clock.advance(1500);
  await h.sim.acceptContact(INSTANCE, contactId, 'agent-7');
  h.clock.advance(60_000);
  await h.sim.endContact(INSTANCE, contactId);
  expect(typesOf(contactId)).toEqual(['INITIATED', 'CONNECTED_TO_SYSTEM', 'QUEUED', 'CONNECTED_TO_AGENT', 'DISCONNECTED', 'COMPLETED']);
  const instanceArn = `arn:aws:connect:us-east-1:000000000000:instance/${INSTANCE}`;
  const events = h.sim.emittedEvents();
  const disconnected = events.find((e) => e.detail.eventType === 'DISCONNECTED');
  expect(disconnected).toEqual({
    version: '0',
    id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    'detail-type': CONTACT_EVENT_DETAIL_TYPE,
    source: CONNECT_EVENT_SOURCE,
    account: '000000000000',
    time: new Date(t0 + 61_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: 'us-east-1',
    resources: [instanceArn, `${instanceArn}/contact/${contactId}`],
    detail: {
      eventType: 'DISCONNECTED',
      contactId,
      initialContactId: contactId,
      channel: 'CHAT',
      instanceArn,
      initiationMethod: 'API',
      initiationTimestamp: new Date(t0).toISOString(),
      connectedToSystemTimestamp: new Date(t0).toISOString(),
      disconnectTimestamp: new Date(t0 + 61_500).toISOString(),
      queueInfo: { queueArn: `${instanceArn}/queue/sim-basic-queue`, queueType: 'STANDARD', enqueueTimestamp: new Date(t0).toISOString() },
      agentInfo: { agentArn: `${instanceArn}/agent/agent-7`, connectedToAgentTimestamp: new Date(t0 + 1500).toISOString() },
      customerId: 'cust-1',
      tags: { 'aws:connect:instanceId': INSTANCE },
    },
  });
  // ISO timestamps with milliseconds.
  expect(disconnected?.detail.initiationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  const initiated = events[0];
  expect(initiated?.detail.queueInfo).toBeUndefined();
  expect(initiated?.detail.agentInfo).toBeUndefined();
  // publish got the PutEvents entries of the same events.
  expect(published).toHaveLength(6);
  const entry = published[4];
  expect(entry).toMatchObject({ Source: 'aws.connect', DetailType: 'Amazon Connect Contact Event', EventBusName: 'default' });
  expect(entry?.Resources).toEqual([instanceArn, `${instanceArn}/contact/${contactId}`]);
  expect(JSON.parse(entry?.Detail ?? '{}')).toEqual(disconnected?.detail);
  expect(entry?.Time).toBeInstanceOf(Date);
});

test('transfer and survey: TRANSFER and DISCONNECT contacts with lineage, survey sequence', async () => {
  const { c1, c2, c3 } = await pastSession(h);
  expect(typesOf(c2)).toEqual(['INITIATED', 'CONNECTED_TO_SYSTEM', 'QUEUED', 'CONNECTED_TO_AGENT', 'DISCONNECTED', 'COMPLETED']);
  expect(typesOf(c3)).toEqual(['INITIATED', 'CONNECTED_TO_SYSTEM', 'DISCONNECTED', 'COMPLETED']);
  const e2 = h.sim.emittedEvents().find((e) => e.detail.contactId === c2);
  expect(e2?.detail).toMatchObject({ initiationMethod: 'TRANSFER', initialContactId: c1, previousContactId: c1 });
  const q = h.sim.emittedEvents().find((e) => e.detail.contactId === c2 && e.detail.eventType === 'QUEUED');
  expect(q?.detail.queueInfo).toMatchObject({ queueType: 'AGENT', queueArn: expect.stringMatching(/\/queue\/agent\/a2$/) });
  const e3 = h.sim.emittedEvents().find((e) => e.detail.contactId === c3);
  expect(e3?.detail).toMatchObject({ initiationMethod: 'DISCONNECT', initialContactId: c1, previousContactId: c2, customerId: 'cust-1' });
  expect(e3?.detail.queueInfo).toBeUndefined();
});

test('persistent contacts carry relatedContactId (from INITIATED with PersistentChat, after CPCA otherwise)', async () => {
  const { c1, c2, c3 } = await pastSession(h);
  const a = await h.sim.startChat({ instanceId: INSTANCE, persistentChat: { rehydrationType: 'ENTIRE_PAST_SESSION', sourceContactId: c1 } });
  const ea = h.sim.emittedEvents().filter((e) => e.detail.contactId === a.contactId);
  expect(ea.map((e) => e.detail.relatedContactId)).toEqual([c3, c3, c3]);
  const b = await h.sim.startChat({ instanceId: INSTANCE, customerId: 'cust-1' });
  await h.connect.send(
    new CreatePersistentContactAssociationCommand({ InstanceId: INSTANCE, InitialContactId: b.contactId, RehydrationType: 'FROM_SEGMENT', SourceContactId: c2, ClientToken: 't' }),
  );
  await h.sim.acceptContact(INSTANCE, b.contactId, 'a9');
  const eb = h.sim.emittedEvents().filter((e) => e.detail.contactId === b.contactId);
  expect(eb.map((e) => [e.detail.eventType, e.detail.relatedContactId])).toEqual([
    ['INITIATED', undefined],
    ['CONNECTED_TO_SYSTEM', undefined],
    ['QUEUED', undefined],
    ['CONNECTED_TO_AGENT', c2],
  ]);
});

test('firstSegmentInitialContactId: absent leaves initialContactId out of first segments', async () => {
  const sim = new ConnectSimulator({ now: new VirtualClock().now, semantics: { firstSegmentInitialContactId: 'absent' } });
  const { contactId } = await sim.startChat({ instanceId: 'i' });
  const { contactId: c2 } = await sim.transferContact('i', contactId, 'a2');
  expect(sim.emittedEvents()[0]?.detail.initialContactId).toBeUndefined();
  expect(sim.emittedEvents().find((e) => e.detail.contactId === c2)?.detail.initialContactId).toBe(contactId);
  expect((sim.describe('i', contactId)['Contact'] as Record<string, unknown>)['InitialContactId']).toBeUndefined();
});

test('eventsEndpoint: events reach an EventBridge endpoint through the real client', async () => {
  const received: { target: string | undefined; body: { Entries: { Source: string; DetailType: string; Detail: string }[] } }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ target: req.headers['x-amz-target'] as string | undefined, body: JSON.parse(Buffer.concat(chunks).toString()) });
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ FailedEntryCount: 0, Entries: [{ EventId: 'e' }] }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  const sim = new ConnectSimulator({ eventsEndpoint: `http://127.0.0.1:${port}` });
  try {
    const { contactId } = await sim.startChat({ instanceId: 'i', customerId: 'c' });
    await sim.flushEvents();
    expect(received).toHaveLength(3);
    expect(received[0]?.target).toBe('AWSEvents.PutEvents');
    const entry = received[0]?.body.Entries[0];
    expect(entry).toMatchObject({ Source: 'aws.connect', DetailType: 'Amazon Connect Contact Event' });
    expect(JSON.parse(entry?.Detail ?? '{}')).toMatchObject({ eventType: 'INITIATED', contactId });
    expect(sim.stats().events).toMatchObject({ emitted: 3, published: 3, publishErrors: 0 });
  } finally {
    await sim.close();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('eventLogLimit keeps only the newest events for inspection (stats still count all)', async () => {
  const sim = new ConnectSimulator({ now: new VirtualClock().now, eventLogLimit: 4 });
  const { contactId } = await sim.startChat({ instanceId: 'i' });
  await sim.endContact('i', contactId);
  expect(sim.emittedEvents().map((e) => e.detail.eventType)).toEqual(['CONNECTED_TO_SYSTEM', 'QUEUED', 'DISCONNECTED', 'COMPLETED']);
  expect(sim.stats().events.emitted).toBe(5);
});
