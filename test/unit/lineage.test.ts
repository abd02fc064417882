import fc from 'fast-check';
import type { Segment } from '../../core/lineage';
import { mergeAll, mergeSegments, orderSession, segmentFromEvent, segmentKind, sessionIdOf } from '../../core/lineage';
import type { ContactEvent } from '../../core/schemas';
import {
  C1,
  C2,
  C3,
  INSTANCE_ID,
  contactEvent,
  expectedSeedSegments,
  foldEvents,
  seedEvents,
  seedSegments,
} from '../fixtures/contact-events';

/** Unknown detail fields: keys Connect might add tomorrow, never the ones the lineage reads. */
const unknownFields = fc.dictionary(
  fc.constantFrom('chatMetrics', 'segmentAttributes', 'contactLens', 'routingCriteria', 'xAmznNewField', 'disconnectReason'),
  fc.jsonValue({ maxDepth: 2 }),
  { maxKeys: 3 },
);

/** A time inside the seed session's window, as an envelope `time` (second precision). */
const sessionTime = fc
  .integer({ min: Date.parse('2024-05-01T10:00:00Z') / 1000, max: Date.parse('2024-05-01T10:20:00Z') / 1000 })
  .map((s) => new Date(s * 1000).toISOString().replace('.000Z', 'Z'));

/** Extra events Connect may send for a seed contact: CONTACT_DATA_UPDATED with the contact's own lineage fields. */
const extraEvent = fc
  .tuple(fc.constantFrom(C1, C2, C3), sessionTime, fc.uuid(), unknownFields)
  .map(([contactId, time, id, extra]): ContactEvent => {
    const lineage = {
      [C1]: { initiationMethod: 'API' },
      [C2]: { initiationMethod: 'TRANSFER', initialContactId: C1, previousContactId: C1 },
      [C3]: { initiationMethod: 'DISCONNECT', initialContactId: C1, previousContactId: C2 },
    }[contactId];
    return contactEvent({ eventType: 'CONTACT_DATA_UPDATED', contactId, time, id, extra: { ...extra, updatedProperties: ['UserDefinedAttributes'] }, ...lineage });
  });

/** The seed events, each with random unknown fields, plus random extra events. */
const eventSet = fc
  .tuple(fc.array(unknownFields, { minLength: 16, maxLength: 16 }), fc.array(extraEvent, { maxLength: 5 }))
  .map(([fields, extras]) => [
    ...seedEvents().map((e, i) => ({ ...e, detail: { ...fields[i], ...e.detail } })),
    ...extras,
  ]);

/** Any arrival order of `events`, where every event arrives at least once and any may repeat. */
function arrivals(events: readonly ContactEvent[]): fc.Arbitrary<ContactEvent[]> {
  const n = events.length;
  return fc
    .array(fc.nat({ max: n - 1 }), { maxLength: 2 * n })
    .chain((dups) => {
      const indices = [...events.keys(), ...dups];
      return fc.shuffledSubarray(indices, { minLength: indices.length, maxLength: indices.length });
    })
    .map((order) => order.map((i) => events[i] as ContactEvent));
}

const CONTACT = 'contact-under-test';
const text = (values: readonly string[]) => fc.option(fc.constantFrom(...values), { nil: undefined });
const isoTime = fc
  .date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2024-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString());
const optionalTime = fc.option(isoTime, { nil: undefined });

/** Arbitrary records of one contact, as the lineage stores them (compact, event types sorted and unique). */
const segmentArb: fc.Arbitrary<Segment> = fc
  .record({
    channel: text(['CHAT', 'VOICE', 'TASK']),
    initiationMethod: text(['API', 'TRANSFER', 'QUEUE_TRANSFER', 'DISCONNECT', 'INBOUND']),
    initialContactId: text(['C0', 'C1', 'C2']),
    previousContactId: text(['C0', 'C1', 'C2']),
    relatedContactId: text(['R1', 'R2']),
    customerId: text(['cust-a', 'cust-b']),
    agentArn: text(['arn:agent/1', 'arn:agent/2']),
    initiatedAt: optionalTime,
    disconnectedAt: optionalTime,
    eventTypes: fc.uniqueArray(fc.constantFrom('INITIATED', 'QUEUED', 'CONNECTED_TO_AGENT', 'DISCONNECTED', 'COMPLETED'), { maxLength: 5 }),
    lastEventAt: optionalTime,
  })
  .map((r) => {
    const s: Record<string, unknown> = { instanceId: INSTANCE_ID, contactId: CONTACT };
    for (const [k, v] of Object.entries(r)) if (v !== undefined) s[k] = v;
    s['eventTypes'] = [...r.eventTypes].sort();
    return s as unknown as Segment;
  });

const seg = (contactId: string, fields: Partial<Segment> = {}): Segment => ({ instanceId: INSTANCE_ID, contactId, eventTypes: [], ...fields });

describe('Lineage', () => {
  describe('segmentFromEvent', () => {
    it('reads the lineage fields of a transfer segment and normalizes its times', () => {
      // Prepare
      const event = contactEvent({
        eventType: 'DISCONNECTED',
        contactId: C2,
        time: '2024-05-01T10:15:31Z',
        initiationMethod: 'TRANSFER',
        initialContactId: C1,
        previousContactId: C1,
        initiationTimestamp: '2024-05-01T10:06:10.52Z',
        agentArn: 'arn:agent/2',
      });

      // Act
      const segment = segmentFromEvent(event);

      // Assess
      expect(segment).toEqual({
        instanceId: INSTANCE_ID,
        contactId: C2,
        channel: 'CHAT',
        initiationMethod: 'TRANSFER',
        initialContactId: C1,
        previousContactId: C1,
        agentArn: 'arn:agent/2',
        initiatedAt: '2024-05-01T10:06:10.520Z',
        disconnectedAt: '2024-05-01T10:15:31.000Z',
        eventTypes: ['DISCONNECTED'],
        lastEventAt: '2024-05-01T10:15:31.000Z',
      });
    });

    it('drops an initialContactId equal to the contact itself, so the first segment names its session', () => {
      const segment = segmentFromEvent(contactEvent({ eventType: 'INITIATED', contactId: C1, initialContactId: C1, time: '2024-05-01T10:00:00Z' }));
      expect(segment.initialContactId).toBeUndefined();
      expect(sessionIdOf(segment)).toBe(C1);
    });

    it('leaves a segment open until an end event or a disconnect timestamp arrives', () => {
      const queued = segmentFromEvent(contactEvent({ eventType: 'QUEUED', contactId: C1, time: '2024-05-01T10:00:02Z' }));
      expect(queued.disconnectedAt).toBeUndefined();
    });
  });

  describe('mergeAll', () => {
    it('folds the seed events into the expected C1, C2, C3 segments', () => {
      expect(foldEvents(seedEvents())).toEqual(expectedSeedSegments());
    });

    it('folds any permutation of the seed events, with any duplicates and unknown fields, to the same segments', () => {
      fc.assert(
        fc.property(eventSet.chain((events) => fc.tuple(fc.constant(events), arrivals(events))), ([events, arrived]) => {
          // Act
          const folded = foldEvents(arrived);

          // Assess
          expect(folded).toEqual(foldEvents(events));
          for (const id of [C1, C2, C3]) {
            const { eventTypes, lastEventAt, ...lineage } = expectedSeedSegments()[id] as Segment;
            expect(folded[id]).toMatchObject(lineage);
          }
        }),
        { numRuns: 200 },
      );
    });

    it('folds the seed events alone, in any order with duplicates, exactly to the expected segments', () => {
      fc.assert(
        fc.property(arrivals(seedEvents()), (arrived) => {
          expect(foldEvents(arrived)).toEqual(expectedSeedSegments());
        }),
        { numRuns: 200 },
      );
    });

    it('refuses an empty list', () => {
      expect(() => mergeAll([])).toThrow('mergeAll needs at least one segment');
    });
  });

  describe('mergeSegments', () => {
    it('is commutative', () => {
      fc.assert(fc.property(segmentArb, segmentArb, (a, b) => expect(mergeSegments(a, b)).toStrictEqual(mergeSegments(b, a))));
    });

    it('is associative', () => {
      fc.assert(
        fc.property(segmentArb, segmentArb, segmentArb, (a, b, c) =>
          expect(mergeSegments(mergeSegments(a, b), c)).toStrictEqual(mergeSegments(a, mergeSegments(b, c))),
        ),
      );
    });

    it('is idempotent', () => {
      fc.assert(fc.property(segmentArb, (a) => expect(mergeSegments(a, a)).toStrictEqual(a)));
    });

    it('absorbs a record already merged in', () => {
      fc.assert(fc.property(segmentArb, segmentArb, (a, b) => expect(mergeSegments(mergeSegments(a, b), b)).toStrictEqual(mergeSegments(a, b))));
    });

    it('keeps the earliest disconnect and the latest event time', () => {
      // Prepare
      const early = seg('X', { disconnectedAt: '2024-05-01T10:00:00.000Z', lastEventAt: '2024-05-01T10:00:00.000Z', eventTypes: ['DISCONNECTED'] });
      const late = seg('X', { disconnectedAt: '2024-05-01T10:05:00.000Z', lastEventAt: '2024-05-01T10:05:00.000Z', eventTypes: ['COMPLETED'] });

      // Act
      const merged = mergeSegments(late, early);

      // Assess
      expect(merged).toEqual(seg('X', { disconnectedAt: '2024-05-01T10:00:00.000Z', lastEventAt: '2024-05-01T10:05:00.000Z', eventTypes: ['COMPLETED', 'DISCONNECTED'] }));
    });

    it('refuses to merge records of different contacts', () => {
      expect(() => mergeSegments(seg('A'), seg('B'))).toThrow(`cannot merge ${INSTANCE_ID}/A with ${INSTANCE_ID}/B`);
    });
  });

  describe('segmentKind', () => {
    it.each([
      ['initial', 'an API chat', seg(C1, { initiationMethod: 'API' })],
      ['initial', 'a contact with no lineage fields', seg(C1)],
      ['transfer', 'a TRANSFER segment', seg(C2, { initiationMethod: 'TRANSFER', previousContactId: C1, initialContactId: C1 })],
      ['transfer', 'a QUEUE_TRANSFER segment', seg(C2, { initiationMethod: 'QUEUE_TRANSFER' })],
      ['transfer', 'a segment with only a previousContactId', seg(C2, { previousContactId: C1 })],
      ['survey', 'a DISCONNECT (post-chat survey) segment', seg(C3, { initiationMethod: 'DISCONNECT', previousContactId: C2, initialContactId: C1 })],
      ['continuation', 'a persistent chat (relatedContactId, no previous)', seg('C9', { initiationMethod: 'API', relatedContactId: C2 })],
      ['transfer', 'a transfer within a persistent chat', seg('C10', { initiationMethod: 'TRANSFER', previousContactId: 'C9', relatedContactId: C2 })],
    ] as const)('is %s for %s', (kind, _label, segment) => {
      expect(segmentKind(segment)).toBe(kind);
    });

    it('classifies the seed session as initial, transfer, survey', () => {
      expect(seedSegments().map(segmentKind)).toEqual(['initial', 'transfer', 'survey']);
    });
  });

  describe('orderSession', () => {
    it('orders the seed session C1, C2, C3 whatever the input order', () => {
      fc.assert(
        fc.property(fc.shuffledSubarray(seedSegments(), { minLength: 3, maxLength: 3 }), (input) => {
          expect(orderSession(input).map((s) => s.contactId)).toEqual([C1, C2, C3]);
        }),
      );
    });

    it('follows previousContactId even when initiation times are skewed or missing', () => {
      fc.assert(
        fc.property(
          fc.shuffledSubarray(seedSegments(), { minLength: 3, maxLength: 3 }),
          fc.array(fc.option(isoTime, { nil: undefined }), { minLength: 3, maxLength: 3 }),
          (input, times) => {
            // Prepare
            const skewed = input.map((s, i) => {
              const { initiatedAt, ...rest } = s;
              const t = times[i];
              return t === undefined ? rest : { ...rest, initiatedAt: t };
            });

            // Act
            const ordered = orderSession(skewed);

            // Assess
            expect(ordered.map((s) => s.contactId)).toEqual([C1, C2, C3]);
          },
        ),
      );
    });

    it('places each segment once, and unchained segments by initiation time then id', () => {
      // Prepare
      const a = seg('A', { initiatedAt: '2024-05-01T10:00:02.000Z' });
      const b = seg('B', { initiatedAt: '2024-05-01T10:00:01.000Z' });
      const c = seg('C');
      const d = seg('D', { previousContactId: 'missing' });

      // Act
      const ordered = orderSession([d, c, a, b]);

      // Assess
      expect(ordered.map((s) => s.contactId)).toEqual(['B', 'A', 'C', 'D']);
    });
  });
});
