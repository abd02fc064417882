/**
 * The store contract: every ChatlineStore adapter (SQLite locally, DynamoDB on AWS) must pass
 * these. Conditional writes, lineage queries, ledger transitions, customer lookups.
 */
import { recordThrottle, reserveSlots } from '../../core/budget';
import { ConcurrentUpdateError } from '../../core/errors';
import type { Resumption } from '../../core/ledger';
import { applyOutcome } from '../../core/ledger';
import type { Segment } from '../../core/lineage';
import type { ChatlineStore } from '../../core/store';
import { updateVersioned } from '../../core/store';
import { describeStoreQueryContract } from './store-query-contract';

const seg = (contactId: string, extra: Partial<Segment> = {}): Segment => ({
  instanceId: 'inst-1',
  contactId,
  channel: 'CHAT',
  eventTypes: ['INITIATED'],
  ...extra,
});

const plan = {
  policy: 'auto' as const,
  rehydrationType: 'FROM_SEGMENT' as const,
  sourceContactId: 'C2',
  pastSessionId: 'C1',
  expectedContinuedFromContactId: 'C2',
  clientToken: 'chatline-abc',
  notBefore: '2026-01-01T00:01:00.000Z',
};

export function describeStoreContract(name: string, open: () => Promise<{ store: ChatlineStore; close: () => Promise<void> }>): void {
  describe(`ChatlineStore contract: ${name}`, () => {
    let store: ChatlineStore;
    let close: () => Promise<void>;
    beforeEach(async () => {
      ({ store, close } = await open());
    });
    afterEach(async () => close());

    describeStoreQueryContract(() => store);

    it('marks an event key processed once', async () => {
      expect(await store.markProcessed('k1', '2026-01-01T00:00:00.000Z')).toBe(true);
      expect(await store.markProcessed('k1', '2026-01-01T00:00:01.000Z')).toBe(false);
      expect(await store.markProcessed('k2', '2026-01-01T00:00:01.000Z')).toBe(true);
    });

    it('keeps rejected events with their reason, in arrival order', async () => {
      await store.putRejected({ receivedAt: '2026-01-01T00:00:00.000Z', reason: 'bad 1', event: { a: 1 }, origin: 'line 3' });
      await store.putRejected({ receivedAt: '2026-01-01T00:00:01.000Z', reason: 'bad 2', event: 'not json' });
      expect(await store.listRejected()).toEqual([
        { receivedAt: '2026-01-01T00:00:00.000Z', reason: 'bad 1', event: { a: 1 }, origin: 'line 3' },
        { receivedAt: '2026-01-01T00:00:01.000Z', reason: 'bad 2', event: 'not json' },
      ]);
    });

    it('creates a segment only when it does not exist (expected version 0)', async () => {
      await store.putSegment(seg('C1'), 0);
      await expect(store.putSegment(seg('C1', { customerId: 'x' }), 0)).rejects.toBeInstanceOf(ConcurrentUpdateError);
      expect(await store.getSegment('inst-1', 'C1')).toEqual({ value: seg('C1'), version: 1 });
    });

    it('updates a segment only at the expected version', async () => {
      await store.putSegment(seg('C1'), 0);
      await store.putSegment(seg('C1', { customerId: 'cust-1' }), 1);
      await expect(store.putSegment(seg('C1', { customerId: 'cust-2' }), 1)).rejects.toBeInstanceOf(ConcurrentUpdateError);
      expect(await store.getSegment('inst-1', 'C1')).toEqual({ value: seg('C1', { customerId: 'cust-1' }), version: 2 });
    });

    it('answers undefined for what it does not hold', async () => {
      expect(await store.getSegment('inst-1', 'nope')).toBeUndefined();
      expect(await store.getIntent('inst-1', 'nope')).toBeUndefined();
      expect(await store.getResumption('inst-1', 'nope')).toBeUndefined();
    });

    it('lists a session by its initial contact, and a customer across sessions and instances apart', async () => {
      await store.putSegment(seg('C1', { customerId: 'cust-1' }), 0);
      await store.putSegment(seg('C2', { initialContactId: 'C1', previousContactId: 'C1', customerId: 'cust-1' }), 0);
      await store.putSegment(seg('C3', { initialContactId: 'C1', previousContactId: 'C2' }), 0);
      await store.putSegment(seg('N1', { customerId: 'cust-1' }), 0);
      await store.putSegment({ ...seg('X1', { customerId: 'cust-1' }), instanceId: 'inst-2' }, 0);
      const session = await store.listSessionSegments('inst-1', 'C1');
      expect(session.map((s) => s.contactId).sort()).toEqual(['C1', 'C2', 'C3']);
      const customer = await store.listCustomerSegments('inst-1', 'cust-1');
      expect(customer.map((s) => s.contactId).sort()).toEqual(['C1', 'C2', 'N1']);
      expect((await store.listSegments()).length).toBe(5);
    });

    it("lists a customer's sessions whole: their untagged transfer and survey segments too, no other customer's, no other instance's", async () => {
      await store.putSegment(seg('S2', { customerId: 'cust-1' }), 0);
      await store.putSegment(seg('S2b', { initialContactId: 'S2', previousContactId: 'S2', initiationMethod: 'TRANSFER' }), 0);
      await store.putSegment(seg('C1', { customerId: 'cust-1' }), 0);
      await store.putSegment(seg('C2', { initialContactId: 'C1', previousContactId: 'C1' }), 0);
      await store.putSegment(seg('C3', { initialContactId: 'C1', initiationMethod: 'DISCONNECT' }), 0);
      await store.putSegment(seg('O1', { customerId: 'cust-2' }), 0);
      await store.putSegment(seg('O2', { initialContactId: 'O1' }), 0);
      await store.putSegment({ ...seg('X1', { customerId: 'cust-1' }), instanceId: 'inst-2' }, 0);
      await store.putSegment({ ...seg('X2', { initialContactId: 'X1' }), instanceId: 'inst-2' }, 0);
      const ids = async (instanceId: string, customerId: string): Promise<string[]> => (await store.listCustomerSessionSegments(instanceId, customerId)).map((s) => s.contactId);
      expect(await ids('inst-1', 'cust-1')).toEqual(['C1', 'C2', 'C3', 'S2', 'S2b']);
      expect(await ids('inst-1', 'cust-2')).toEqual(['O1', 'O2']);
      expect(await ids('inst-2', 'cust-1')).toEqual(['X1', 'X2']);
      expect(await ids('inst-1', 'nobody')).toEqual([]);
      expect((await store.listCustomerSessionSegments('inst-1', 'cust-1')).find((s) => s.contactId === 'C2')).toEqual(seg('C2', { initialContactId: 'C1', previousContactId: 'C1' }));
    });

    it('moves a segment to a customer index when the customer id arrives later', async () => {
      await store.putSegment(seg('C3', { initialContactId: 'C1' }), 0);
      await store.putSegment(seg('C3', { initialContactId: 'C1', customerId: 'late' }), 1);
      expect((await store.listCustomerSegments('inst-1', 'late')).map((s) => s.contactId)).toEqual(['C3']);
    });

    it('stores return intents conditionally', async () => {
      const intent = { instanceId: 'inst-1', contactId: 'N1', via: 'auto' as const, customerId: 'c', detectedAt: '2026-01-01T00:00:00.000Z' };
      await store.putIntent(intent, 0);
      await expect(store.putIntent({ ...intent, via: 'app' }, 0)).rejects.toBeInstanceOf(ConcurrentUpdateError);
      await store.putIntent({ ...intent, via: 'app' }, 1);
      expect(await store.getIntent('inst-1', 'N1')).toEqual({ value: { ...intent, via: 'app' }, version: 2 });
    });

    it('walks a ledger record through its transitions, each write conditional', async () => {
      const key = { instanceId: 'inst-1', contactId: 'N1' };
      const t0 = new Date('2026-01-01T00:00:00.000Z');
      const planned = applyOutcome(key, undefined, { status: 'PLANNED', plan }, t0);
      await store.putResumption(planned, 0);
      await expect(store.putResumption(planned, 0)).rejects.toBeInstanceOf(ConcurrentUpdateError);
      const associated = applyOutcome(key, planned, { status: 'ASSOCIATED', continuedFromContactId: 'C2' }, t0);
      await store.putResumption(associated, 1);
      const stored = await store.getResumption('inst-1', 'N1');
      expect(stored).toEqual({ value: associated, version: 2 });
      expect((await store.listResumptions()).map((r: Resumption) => r.status)).toEqual(['ASSOCIATED']);
    });

    it('lets exactly one of many concurrent read-modify-writes win each round (no lost update)', async () => {
      await store.putSegment(seg('C1'), 0);
      const writers = ['A', 'B', 'C', 'D', 'E'].map((tag) =>
        updateVersioned(
          () => store.getSegment('inst-1', 'C1'),
          (value, version) => store.putSegment(value, version),
          (current) => ({ ...(current as Segment), eventTypes: [...(current as Segment).eventTypes, tag].sort() }),
          20,
        ),
      );
      await Promise.all(writers);
      const final = await store.getSegment('inst-1', 'C1');
      expect(final?.value.eventTypes).toEqual(['A', 'B', 'C', 'D', 'E', 'INITIATED']);
      expect(final?.version).toBe(6);
    });

    it('keeps a budget record: created by its first update, changed only when asked, listed by key', async () => {
      expect(await store.getBudget('DescribeContact')).toBeUndefined();
      const now = Date.parse('2026-01-01T00:00:00.000Z');
      const limits = { ratePerSecond: 10, burst: 2 };
      const first = await store.updateBudget('DescribeContact', (current) => {
        const r = reserveSlots(current, 'DescribeContact', limits, now);
        return { next: r.state, result: r.granted ? r.slots : [] };
      });
      expect(first).toEqual([now]);
      const untouched = await store.updateBudget('DescribeContact', () => ({ result: 'left as it was' }));
      expect(untouched).toBe('left as it was');
      await store.updateBudget('CreatePersistentContactAssociation', (current) => ({ next: recordThrottle(current, 'CreatePersistentContactAssociation', limits, now), result: null }));
      expect(await store.getBudget('DescribeContact')).toMatchObject({ key: 'DescribeContact', reservations: 1, tat: now + 100 });
      expect((await store.listBudgets()).map((b) => [b.key, b.throttles.length])).toEqual([
        ['CreatePersistentContactAssociation', 1],
        ['DescribeContact', 0],
      ]);
    });

    it('never hands out the same slot twice to concurrent reservations', async () => {
      const now = Date.parse('2026-01-01T00:00:00.000Z');
      const limits = { ratePerSecond: 10, burst: 1 };
      const reservations = Array.from({ length: 25 }, () =>
        store.updateBudget('CreatePersistentContactAssociation', (current) => {
          const r = reserveSlots(current, 'CreatePersistentContactAssociation', limits, now);
          return { next: r.state, result: r.granted ? (r.slots[0] as number) : Number.NaN };
        }),
      );
      const slots = (await Promise.all(reservations)).sort((a, b) => a - b);
      expect(slots).toEqual(Array.from({ length: 25 }, (_, i) => now + i * 100));
      expect((await store.getBudget('CreatePersistentContactAssociation'))?.reservations).toBe(25);
    });
  });
}
