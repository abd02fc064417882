import type { PlannerConfig } from '../../core/planner';
import type { ContactEvent } from '../../core/schemas';
import { planStep, recordContactEvent } from '../../core/use-cases';
import { SqliteStore } from '../../local/store/sqlite-store';
import { C1, C2, C9, CUSTOMER_ID, INSTANCE_ID, customerReturned, newChatInitiated, seedEvents } from '../fixtures/contact-events';

const config: PlannerConfig = { defaultPolicy: 'auto', readinessDelaySeconds: 60, lateEventGraceSeconds: 5, gapFillAfterSeconds: 60 };

describe('use cases: returns named by customer', () => {
  it('plans a customer-named return over the whole past session, not only the segments that carry customerId', async () => {
    const store = new SqliteStore(':memory:');
    let now = new Date('2024-05-02T09:00:01.000Z');
    const deps = { store, now: () => now, config };
    for (const e of seedEvents()) await recordContactEvent(deps, e);
    await recordContactEvent(deps, customerReturned({ customerId: CUSTOMER_ID }));
    now = new Date('2024-05-02T09:00:30.000Z');
    const result = await planStep(deps, { instanceId: INSTANCE_ID, contactId: C9 });
    expect(result.plan).toMatchObject({ action: 'associate', plan: { rehydrationType: 'FROM_SEGMENT', sourceContactId: C2, pastSessionId: C1 } });
    store.close();
  });

  it('neither detects nor plans a customer return while a transfer segment of the past session is still active', async () => {
    const store = new SqliteStore(':memory:');
    let now = new Date('2024-05-01T10:08:00.000Z');
    const deps = { store, now: () => now, config };
    const live = seedEvents().filter((e: ContactEvent) => e.detail.contactId === C1 || (e.detail.contactId === C2 && e.detail.eventType === 'INITIATED'));
    for (const e of live) await recordContactEvent(deps, e);
    const detected = await recordContactEvent(deps, newChatInitiated({ time: '2024-05-01T10:08:00Z', initiationTimestamp: '2024-05-01T10:08:00.000Z' }));
    expect(detected.resumes).toEqual([]);
    await recordContactEvent(deps, customerReturned({ customerId: CUSTOMER_ID, time: '2024-05-01T10:08:01Z' }));
    now = new Date('2024-05-01T10:08:30.000Z'); // inside the gap-fill delay: not ready is retried
    await expect(planStep(deps, { instanceId: INSTANCE_ID, contactId: C9 })).rejects.toMatchObject({ name: 'PastSessionNotReadyError' });
    store.close();
  });
});
