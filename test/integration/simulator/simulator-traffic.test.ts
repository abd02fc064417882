/** The traffic generator, and a seeded run with faults that reproduces the same stats twice. */
import { ConnectClient, CreatePersistentContactAssociationCommand, DescribeContactCommand } from '@aws-sdk/client-connect';
import { ConnectSimulator, runTraffic, type SimulatorStats, type TrafficReport, VirtualClock } from '../../../simulator';

describe('traffic generator', () => {
  async function run(seed: number, extra: Partial<Parameters<typeof runTraffic>[1]> = {}) {
    const clock = new VirtualClock();
    const sim = new ConnectSimulator({ seed, now: clock.now });
    const report = await runTraffic(sim, {
      customers: 40,
      arrivalRatePerSecond: 0.5,
      transferProbability: 0.3,
      surveyProbability: 0.4,
      returnProbability: 0.5,
      seed,
      clock,
      ...extra,
    });
    return { sim, report, clock };
  }

  test('realistic sessions: transfers, surveys, returns; everything ended at the end', async () => {
    const { sim, report } = await run(5);
    expect(report.errors).toEqual([]);
    expect(report.sessions).toBe(40 + report.returns);
    expect(report.returns).toBeGreaterThan(5);
    expect(report.transfers).toBeGreaterThan(3);
    expect(report.surveys).toBeGreaterThan(5);
    const contacts = sim.contacts();
    expect(contacts).toHaveLength(report.contacts);
    expect(contacts.every((c) => c.disconnectTimestamp !== undefined)).toBe(true);
    expect(contacts.filter((c) => c.initiationMethod === 'TRANSFER')).toHaveLength(report.transfers);
    expect(contacts.filter((c) => c.initiationMethod === 'DISCONNECT')).toHaveLength(report.surveys);
    for (const c of contacts.filter((x) => x.initiationMethod !== 'API')) {
      expect(c.previousContactId).toBeDefined();
      expect(sim.contact(report.instanceId, c.initialContactId)?.initiationMethod).toBe('API');
    }
    // Returning customers come back with the same customerId.
    const byCustomer = new Map<string, number>();
    for (const c of contacts.filter((x) => x.initiationMethod === 'API')) byCustomer.set(c.customerId ?? '', (byCustomer.get(c.customerId ?? '') ?? 0) + 1);
    expect([...byCustomer.values()].filter((n) => n === 2)).toHaveLength(report.returns);
  });

  test('same seed: same run; other seed: another run', async () => {
    const a = await run(9);
    const b = await run(9);
    const c = await run(10);
    const shape = (r: { sim: ConnectSimulator; report: TrafficReport }) => ({
      report: r.report,
      contacts: r.sim.contacts(),
      events: r.sim.emittedEvents(),
    });
    expect(shape(b)).toEqual(shape(a));
    expect(shape(c).contacts).not.toEqual(shape(a).contacts);
  });

  test("returnMode 'persistent-start': returning chats continue the previous session", async () => {
    const returns: string[] = [];
    const { sim, report } = await run(3, { returnMode: 'persistent-start', onReturn: (r) => void returns.push(r.contactId) });
    expect(report.errors).toEqual([]);
    expect(report.persistentStarts).toBe(report.returns);
    expect(sim.stats().associations).toBe(report.returns);
    for (const id of returns) expect(sim.transcript(report.instanceId, id).length).toBeGreaterThan(0);
  });
});

describe('seeded run with faults', () => {
  async function faultyRun(seed: number): Promise<{ stats: SimulatorStats; report: TrafficReport }> {
    const clock = new VirtualClock();
    const sim = new ConnectSimulator({
      seed,
      now: clock.now,
      faults: {
        error5xxRate: 0.2,
        lostResponseAfterCommit: 2,
        events: { dropRate: 0.05, duplicateRate: 0.05, reorderRate: 0.1 },
      },
    });
    const url = await sim.listen(0);
    const connect = new ConnectClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    try {
      const report = await runTraffic(sim, {
        customers: 25,
        arrivalRatePerSecond: 0.2,
        returnProbability: 0.6,
        seed,
        clock,
        onReturn: async (r) => {
          // An orchestrator in miniature: look at the past contact, then associate with a kept token.
          await connect.send(new DescribeContactCommand({ InstanceId: r.instanceId, ContactId: r.pastInitialContactId })).catch(() => undefined);
          const cmd = new CreatePersistentContactAssociationCommand({
            InstanceId: r.instanceId,
            InitialContactId: r.contactId,
            RehydrationType: 'ENTIRE_PAST_SESSION',
            SourceContactId: r.pastInitialContactId,
            ClientToken: `resume-${r.contactId}`,
          });
          for (let attempt = 0; ; attempt++) {
            try {
              await connect.send(cmd);
              return;
            } catch (e) {
              if (attempt >= 5) throw e;
            }
          }
        },
      });
      await sim.flushEvents();
      return { stats: sim.stats(), report };
    } finally {
      connect.destroy();
      await sim.close();
    }
  }

  test('the same seed reproduces the same stats; every return associated exactly once', async () => {
    const a = await faultyRun(21);
    const b = await faultyRun(21);
    expect(b.stats).toEqual(a.stats);
    expect(a.report.errors).toEqual([]);
    expect(a.stats.associations).toBe(a.report.returns);
    expect(Object.values(a.stats.associationsByContact).every((n) => n === 1)).toBe(true);
    expect(a.stats.injected5xx).toBeGreaterThan(0);
    expect(a.stats.lostResponses).toBe(2);
    expect(a.stats.apis.CreatePersistentContactAssociation.failed).toBeGreaterThan(0);
    expect(a.stats.events.dropped + a.stats.events.duplicated).toBeGreaterThan(0);
  });
});
