/**
 * The store contract, the ops console's part: ledger pages (filter, newest first, true totals,
 * cursors that survive updates) and segment lookups by contact or customer id in any instance.
 * Called from describeStoreContract, so both adapters run it.
 */
import { InvalidCursorError } from '../../core/errors';
import type { Resumption, ResumptionStatus } from '../../core/ledger';
import type { ChatlineStore } from '../../core/store';

const record = (n: number, status: ResumptionStatus, instanceId = 'inst-1'): Resumption => ({
  instanceId,
  contactId: `N${String(n).padStart(3, '0')}`,
  status,
  attempts: 0,
  createdAt: `2026-01-01T00:${String(Math.floor(n / 2)).padStart(2, '0')}:00.000Z`,
  updatedAt: `2026-01-01T01:00:00.000Z`,
  ...(status === 'FAILED' || status === 'SKIPPED' ? { reason: `reason ${n}` } : {}),
});

export function describeStoreQueryContract(getStore: () => ChatlineStore): void {
  describe('ops queries', () => {
    const statuses: ResumptionStatus[] = ['PLANNED', 'ASSOCIATED', 'FAILED', 'SKIPPED'];
    const seed = async (store: ChatlineStore, n: number): Promise<Resumption[]> => {
      const all = Array.from({ length: n }, (_, i) => record(i, statuses[i % 4] as ResumptionStatus, i % 5 === 0 ? 'inst-2' : 'inst-1'));
      for (const r of all) await store.putResumption(r, 0);
      return all;
    };
    const newestFirst = (rs: Resumption[]): string[] =>
      [...rs].sort((a, b) => (a.createdAt !== b.createdAt ? (a.createdAt < b.createdAt ? 1 : -1) : a.instanceId !== b.instanceId ? (a.instanceId < b.instanceId ? 1 : -1) : a.contactId < b.contactId ? 1 : -1)).map((r) => `${r.instanceId}/${r.contactId}`);
    const key = (r: Resumption): string => `${r.instanceId}/${r.contactId}`;

    it('pages the whole ledger newest first, every record once, with the true total on every page', async () => {
      const store = getStore();
      const all = await seed(store, 23);
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.pageResumptions({ limit: 5, ...(cursor ? { cursor } : {}) });
        expect(page.total).toBe(23);
        expect(page.items.length).toBeLessThanOrEqual(5);
        seen.push(...page.items.map(key));
        cursor = page.next;
        pages++;
      } while (cursor);
      expect(pages).toBe(5);
      expect(seen).toEqual(newestFirst(all));
    });

    it('filters by status and time range, the total counting the filter, not the page', async () => {
      const store = getStore();
      const all = await seed(store, 40);
      const since = '2026-01-01T00:05:00.000Z';
      const until = '2026-01-01T00:15:00.000Z';
      const expected = all.filter((r) => (r.status === 'FAILED' || r.status === 'PLANNED') && r.createdAt >= since && r.createdAt < until);
      const page = await store.pageResumptions({ statuses: ['FAILED', 'PLANNED'], since, until, limit: 3 });
      expect(page.total).toBe(expected.length);
      expect(page.items.map(key)).toEqual(newestFirst(expected).slice(0, 3));
      expect(page.next).toBeDefined();
      expect((await store.pageResumptions({ statuses: ['SKIPPED'], limit: 100 })).total).toBe(10);
      expect((await store.pageResumptions({ since: '2027-01-01T00:00:00.000Z', limit: 10 })).items).toEqual([]);
    });

    it('keeps a cursor valid while the records change status (the order is by createdAt)', async () => {
      const store = getStore();
      const all = await seed(store, 12);
      const first = await store.pageResumptions({ limit: 4 });
      for (const r of all) {
        const current = await store.getResumption(r.instanceId, r.contactId);
        if (current?.value.status === 'PLANNED') await store.putResumption({ ...current.value, status: 'ASSOCIATED', updatedAt: '2026-01-02T00:00:00.000Z' }, current.version);
      }
      const second = await store.pageResumptions({ limit: 100, cursor: first.next as string });
      expect([...first.items, ...second.items].map(key)).toEqual(newestFirst(all));
    });

    it('refuses a cursor it did not hand out', async () => {
      const store = getStore();
      await seed(store, 3);
      await expect(store.pageResumptions({ limit: 2, cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
    });

    it('finds segments by contact id or customer id in every instance', async () => {
      const store = getStore();
      await store.putSegment({ instanceId: 'inst-1', contactId: 'C1', customerId: 'cust-1', eventTypes: ['INITIATED'] }, 0);
      await store.putSegment({ instanceId: 'inst-1', contactId: 'C2', initialContactId: 'C1', eventTypes: ['INITIATED'] }, 0);
      await store.putSegment({ instanceId: 'inst-2', contactId: 'C1', customerId: 'cust-2', eventTypes: ['INITIATED'] }, 0);
      await store.putSegment({ instanceId: 'inst-2', contactId: 'D1', customerId: 'cust-1', eventTypes: ['INITIATED'] }, 0);
      expect((await store.findSegments({ contactId: 'C1' })).map((s) => `${s.instanceId}/${s.customerId}`)).toEqual(['inst-1/cust-1', 'inst-2/cust-2']);
      expect((await store.findSegments({ contactId: 'C2' })).map((s) => s.contactId)).toEqual(['C2']);
      expect((await store.findSegments({ customerId: 'cust-1' })).map((s) => `${s.instanceId}/${s.contactId}`)).toEqual(['inst-1/C1', 'inst-2/D1']);
      expect(await store.findSegments({ contactId: 'nope' })).toEqual([]);
      expect(await store.findSegments({ customerId: 'nope' })).toEqual([]);
    });
  });
}
