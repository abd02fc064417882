/** The local bus: PutEvents answers per entry; a target that keeps refusing dead-letters the event with its reason. */
import { LocalEventBus } from '../../local/bus';
import type { DeadLetter, EventEnvelope } from '../../local/bus';

function bus(onDeadLetter: (l: DeadLetter) => Promise<void> = async () => undefined) {
  return new LocalEventBus({ accountId: '000000000000', region: 'us-east-1', maxAttempts: 3, retryDelayMs: 1, onDeadLetter });
}

describe('LocalEventBus', () => {
  describe('putEvents', () => {
    it('builds the EventBridge envelope and routes it to matching rules only', async () => {
      const got: EventEnvelope[] = [];
      const b = bus();
      b.addRule({ name: 'chat', pattern: { source: ['aws.connect'], detail: { channel: ['CHAT'] } }, target: async (e) => void got.push(e) });
      const out = await b.putEvents([
        { Source: 'aws.connect', DetailType: 'Amazon Connect Contact Event', Detail: '{"channel":"CHAT"}', Time: new Date('2026-01-01T10:00:00.123Z') },
        { Source: 'aws.connect', DetailType: 'Amazon Connect Contact Event', Detail: '{"channel":"VOICE"}' },
      ]);
      await b.waitForIdle();
      expect(out.FailedEntryCount).toBe(0);
      expect(got).toEqual([
        { version: '0', id: out.Entries[0]!.EventId, 'detail-type': 'Amazon Connect Contact Event', source: 'aws.connect', account: '000000000000', time: '2026-01-01T10:00:00Z', region: 'us-east-1', resources: [], detail: { channel: 'CHAT' } },
      ]);
    });

    it('answers each bad entry with its own error and still takes the good ones', async () => {
      const out = await bus().putEvents([
        { Source: 's', DetailType: 'd' },
        { Source: 's', DetailType: 'd', Detail: '[1]' },
        { Source: 's', DetailType: 'd', Detail: '{}', EventBusName: 'other' },
        { Source: 's', DetailType: 'd', Detail: JSON.stringify({ big: 'x'.repeat(256 * 1024) }) },
        { Source: 's', DetailType: 'd', Detail: '{}' },
      ]);
      expect(out.FailedEntryCount).toBe(4);
      expect(out.Entries.map((e) => e.ErrorCode ?? 'ok')).toEqual(['InvalidArgument', 'MalformedDetail', 'ResourceNotFoundException', 'EntrySizeExceeded', 'ok']);
    });
  });

  describe('delivery', () => {
    it('retries a refusing target, then dead-letters the event with the reason', async () => {
      const letters: DeadLetter[] = [];
      let calls = 0;
      const b = bus(async (l) => void letters.push(l));
      b.addRule({ name: 'flaky', pattern: { source: ['s'] }, target: async () => { calls++; throw new Error('throttled'); } });
      await b.putEvents([{ Source: 's', DetailType: 'd', Detail: '{"n":1}' }]);
      await b.waitForIdle();
      expect(calls).toBe(3);
      expect(letters).toEqual([{ rule: 'flaky', reason: 'target refused the event 3 times: Error: throttled', event: expect.objectContaining({ detail: { n: 1 } }) }]);
    });

    it('does not dead-letter an event a target took on a retry', async () => {
      const letters: DeadLetter[] = [];
      let calls = 0;
      const b = bus(async (l) => void letters.push(l));
      b.addRule({ name: 'once', pattern: { source: ['s'] }, target: async () => { if (++calls === 1) throw new Error('busy'); } });
      await b.putEvents([{ Source: 's', DetailType: 'd', Detail: '{}' }]);
      await b.waitForIdle();
      expect({ calls, letters }).toEqual({ calls: 2, letters: [] });
    });
  });
});
