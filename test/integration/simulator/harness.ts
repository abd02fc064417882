/** Shared setup for the simulator integration tests: a listening simulator and a real SDK client. */
import { ConnectClient } from '@aws-sdk/client-connect';
import { ConnectSimulator, type SimulatorOptions, VirtualClock } from '../../../simulator';

export const INSTANCE = 'inst-1';

export interface Harness {
  sim: ConnectSimulator;
  url: string;
  clock: VirtualClock;
  connect: ConnectClient;
  client: (maxAttempts?: number) => ConnectClient;
  close: () => Promise<void>;
}

/** The two ways the simulator keeps contacts; suites that run under both use describe.each. */
export const CONTACT_KEEPING: { name: string; options: SimulatorOptions }[] = [
  { name: 'in memory', options: {} },
  { name: 'spilled to a SQLite archive, one in memory', options: { maxLiveContacts: 1 } },
];

export async function startHarness(options: SimulatorOptions = {}): Promise<Harness> {
  const clock = new VirtualClock();
  const sim = new ConnectSimulator({ now: clock.now, throttling: false, ...options });
  sim.createInstance(INSTANCE);
  const url = await sim.listen(0);
  const clients: ConnectClient[] = [];
  const client = (maxAttempts?: number): ConnectClient => {
    const c = new ConnectClient({
      endpoint: url,
      region: 'eu-west-2',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      ...(maxAttempts !== undefined ? { maxAttempts } : {}),
    });
    clients.push(c);
    return c;
  };
  const connect = client();
  return {
    sim,
    url,
    clock,
    connect,
    client,
    close: async () => {
      for (const c of clients) c.destroy();
      await sim.close();
    },
  };
}

/** C1 (agent a1) -> transfer to a2 (C2) -> a2 ends, post-chat survey (C3) -> survey ends. */
export async function pastSession(
  h: Harness,
  customerId = 'cust-1',
  readyAfterSeconds = 31,
): Promise<{ c1: string; c2: string; c3: string }> {
  const { contactId: c1 } = await h.sim.startChat({ instanceId: INSTANCE, customerId });
  h.clock.advance(1000);
  await h.sim.acceptContact(INSTANCE, c1, 'a1');
  h.clock.advance(60_000);
  const { contactId: c2 } = await h.sim.transferContact(INSTANCE, c1, 'a2');
  h.clock.advance(60_000);
  const { surveyContactId: c3 } = await h.sim.endContact(INSTANCE, c2, { survey: true });
  if (!c3) throw new Error('no survey contact');
  h.clock.advance(20_000);
  await h.sim.endContact(INSTANCE, c3);
  h.clock.advance(readyAfterSeconds * 1000);
  return { c1, c2, c3 };
}

export interface SdkErrorLike {
  name: string;
  message: string;
  $metadata: { httpStatusCode?: number; attempts?: number; requestId?: string };
}

/** Await a rejected SDK call and return the error with its metadata. */
export async function sdkError(p: Promise<unknown>): Promise<SdkErrorLike> {
  try {
    await p;
  } catch (e) {
    return e as SdkErrorLike;
  }
  throw new Error('expected the call to fail');
}

export async function expectSdkError(p: Promise<unknown>, name: string, status: number, attempts: number): Promise<SdkErrorLike> {
  const e = await sdkError(p);
  expect({ name: e.name, status: e.$metadata.httpStatusCode, attempts: e.$metadata.attempts }).toEqual({ name, status, attempts });
  expect(e.$metadata.requestId).toEqual(expect.any(String));
  return e;
}
