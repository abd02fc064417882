import fc from 'fast-check';
import type { Segment } from '../../core/lineage';
import type { ReturnIntent } from '../../core/returns';
import { detectReturns, detectsReturn, endedSessions, mergeIntents } from '../../core/returns';
import { C1, C2, C3, C9, CUSTOMER_ID, INSTANCE_ID, seedSegments } from '../fixtures/contact-events';

const option = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

/** Intents for one contact, compact (no undefined-valued keys), as the store holds them. */
const intentArb: fc.Arbitrary<ReturnIntent> = fc
  .record({
    via: fc.constantFrom('app' as const, 'auto' as const),
    previousContactId: option(fc.constantFrom(C1, C2, C3)),
    customerId: option(fc.constantFrom(CUSTOMER_ID, 'cust-other')),
    policy: option(fc.constantFrom('auto' as const, 'entire-session' as const, 'from-segment' as const)),
    detectedAt: fc.date({ min: new Date('2024-05-02T00:00:00Z'), max: new Date('2024-05-03T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
  })
  .map((r) => {
    const i: Record<string, unknown> = { instanceId: INSTANCE_ID, contactId: C9 };
    for (const [k, v] of Object.entries(r)) if (v !== undefined) i[k] = v;
    return i as unknown as ReturnIntent;
  });

const app: ReturnIntent = { instanceId: INSTANCE_ID, contactId: C9, via: 'app', previousContactId: C2, policy: 'from-segment', detectedAt: '2024-05-02T09:00:03.000Z' };
const auto: ReturnIntent = { instanceId: INSTANCE_ID, contactId: C9, via: 'auto', customerId: CUSTOMER_ID, detectedAt: '2024-05-02T09:00:01.000Z' };

const newChat = (fields: Partial<Segment> = {}): Segment => ({
  instanceId: INSTANCE_ID,
  contactId: C9,
  channel: 'CHAT',
  initiationMethod: 'API',
  customerId: CUSTOMER_ID,
  initiatedAt: '2024-05-02T09:00:00.050Z',
  eventTypes: ['INITIATED'],
  ...fields,
});

function active(s: Segment): Segment {
  const { disconnectedAt, ...rest } = s;
  return rest;
}

describe('Returns', () => {
  describe('mergeIntents', () => {
    it('lets the app intent win over the auto intent, keeping the earliest detection', () => {
      const expected = { ...app, detectedAt: auto.detectedAt };
      expect(mergeIntents(app, auto)).toEqual(expected);
      expect(mergeIntents(auto, app)).toEqual(expected);
    });

    it('lets any app intent win over any auto intent, in either order', () => {
      fc.assert(
        fc.property(intentArb, intentArb, (a, b) => {
          fc.pre(a.via !== b.via);
          const appIntent = a.via === 'app' ? a : b;
          const merged = mergeIntents(a, b);
          expect(merged.via).toBe('app');
          expect(merged.previousContactId).toBe(appIntent.previousContactId);
          expect(merged.customerId).toBe(appIntent.customerId);
          expect(merged.policy).toBe(appIntent.policy);
          expect(merged.detectedAt).toBe(a.detectedAt < b.detectedAt ? a.detectedAt : b.detectedAt);
        }),
      );
    });

    it('is idempotent', () => {
      fc.assert(fc.property(intentArb, (a) => expect(mergeIntents(a, a)).toStrictEqual(a)));
    });

    it('is commutative', () => {
      fc.assert(fc.property(intentArb, intentArb, (a, b) => expect(mergeIntents(a, b)).toStrictEqual(mergeIntents(b, a))));
    });

    it('is associative', () => {
      fc.assert(
        fc.property(intentArb, intentArb, intentArb, (a, b, c) =>
          expect(mergeIntents(mergeIntents(a, b), c)).toStrictEqual(mergeIntents(a, mergeIntents(b, c))),
        ),
      );
    });
  });

  describe('detectsReturn', () => {
    it('detects a new CHAT contact whose customer has an ended past session', () => {
      expect(detectsReturn(newChat(), [...seedSegments(), newChat()])).toBe(true);
    });

    it.each([
      ['the transfer segment C2', 1],
      ['the survey segment C3', 2],
    ])('never treats the INITIATED event of %s as a return', (_label, index) => {
      // Prepare: an older ended session exists, so only the segment kind can say no
      const older: Segment = { ...newChat({ contactId: 'C0', initiatedAt: '2024-04-01T10:00:00.000Z' }), disconnectedAt: '2024-04-01T10:05:00.000Z' };
      const segment = { ...(seedSegments()[index] as Segment), customerId: CUSTOMER_ID };
      const live = active(segment);

      // Act
      const detected = detectsReturn(live, [older, ...seedSegments().map(active)]);

      // Assess
      expect(detected).toBe(false);
    });

    it('does not detect a contact that is already persistent (relatedContactId present)', () => {
      expect(detectsReturn(newChat({ relatedContactId: C2 }), seedSegments())).toBe(false);
    });

    it('does not detect a customer with no ended past session', () => {
      expect(detectsReturn(newChat(), [newChat()])).toBe(false);
      expect(detectsReturn(newChat(), seedSegments().map((s) => (s.contactId === C3 ? active(s) : s)))).toBe(false);
    });

    it('does not count the contact’s own session as a past session', () => {
      const c10 = newChat({ contactId: 'C10', customerId: CUSTOMER_ID });
      const ownEnded: Segment = { ...newChat(), disconnectedAt: '2024-05-02T09:05:00.000Z' };
      expect(detectsReturn({ ...c10, initialContactId: C9 }, [ownEnded])).toBe(false);
    });

    it.each([
      ['a VOICE contact', newChat({ channel: 'VOICE' })],
      ['a contact without customerId', (({ customerId, ...rest }) => rest)(newChat())],
      ['a contact without an initiation time', (({ initiatedAt, ...rest }) => rest)(newChat())],
      ['a new chat that has already ended (outside the window)', newChat({ disconnectedAt: '2024-05-02T09:01:00.000Z' })],
    ])('does not detect %s', (_label, contact) => {
      expect(detectsReturn(contact, seedSegments())).toBe(false);
    });

    it('decides from the contact, whatever event carried it (not only INITIATED)', () => {
      expect(detectsReturn(newChat({ eventTypes: ['QUEUED'] }), seedSegments())).toBe(true);
    });

    it('does not detect a chat that started before the past session ended (timestamps, not arrival order)', () => {
      const pastEnd = Math.max(...seedSegments().map((s) => Date.parse(s.disconnectedAt as string)));
      const before = new Date(pastEnd - 1).toISOString();
      const atEnd = new Date(pastEnd).toISOString();
      expect(detectsReturn(newChat({ initiatedAt: before }), seedSegments())).toBe(false);
      expect(detectsReturn(newChat({ initiatedAt: atEnd }), seedSegments())).toBe(true);
    });
  });

  describe('detectReturns', () => {
    it('finds the waiting return in any order of the segments, and only it', () => {
      const concurrent = newChat({ contactId: 'C8', initiatedAt: '2024-05-01T10:01:00.000Z' });
      fc.assert(
        fc.property(fc.shuffledSubarray([...seedSegments(), newChat(), concurrent], { minLength: seedSegments().length + 2 }), (segments) => {
          expect(detectReturns(segments).map((s) => s.contactId)).toEqual([C9]);
        }),
      );
    });

    it('finds nothing while one segment of the past session is still active', () => {
      const segments = [...seedSegments().map((s) => (s.contactId === C2 ? active(s) : s)), newChat()];
      expect(detectReturns(segments)).toEqual([]);
    });
  });

  describe('endedSessions', () => {
    it('groups segments by session and keeps only the sessions whose every segment ended', () => {
      const other: Segment = newChat({ contactId: 'S2' });
      const sessions = endedSessions([...seedSegments(), other]);
      expect(sessions.map((segs) => segs.map((s) => s.contactId).sort())).toEqual([[C1, C2, C3].sort()]);
    });
  });
});
