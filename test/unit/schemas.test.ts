import { InvalidEventError } from '../../core/errors';
import { instanceIdFromArn, parseInputEvent } from '../../core/schemas';
import { C1, C2, C9, CUSTOMER_ID, INSTANCE_ARN, INSTANCE_ID, contactEvent, customerReturned } from '../fixtures/contact-events';

/** The Admin Guide's CHAT sample (CONTACT_DATA_UPDATED), with concrete ids and every field it carries. */
const realChatEvent = {
  version: '0',
  id: '3a0c1f52-7d8e-4b6a-9c1d-2e3f4a5b6c7d',
  'detail-type': 'Amazon Connect Contact Event',
  source: 'aws.connect',
  account: '111122223333',
  time: '2021-08-04T17:43:48Z',
  region: 'us-west-2',
  resources: [INSTANCE_ARN, `${INSTANCE_ARN}/contact/${C1}`],
  detail: {
    eventType: 'CONTACT_DATA_UPDATED',
    contactId: C1,
    channel: 'CHAT',
    instanceArn: INSTANCE_ARN,
    initiationMethod: 'API',
    queueInfo: { queueArn: `${INSTANCE_ARN}/queue/q1`, enqueueTimestamp: '2023-10-24T02:39:15.240Z', queueType: 'STANDARD' },
    agentInfo: { agentArn: `${INSTANCE_ARN}/agent/a1`, connectedToAgentTimestamp: '1970-01-01T00:00:00.001Z', hierarchyGroups: { level1: { arn: 'arn:h1' } } },
    updatedProperties: ['ContactLens.ConversationalAnalytics.Configuration'],
    initiationTimestamp: '2023-10-24T02:39:15.154Z',
    connectedToSystemTimestamp: '1970-01-01T00:00:00.001Z',
    tags: { 'aws:connect:instanceId': INSTANCE_ID },
    contactLens: { conversationalAnalytics: { configuration: { enabled: true, channelConfiguration: { analyticsModes: ['PostContact'] }, languageLocale: 'en-US' } } },
  },
};

/** Runs `parseInputEvent` and returns the InvalidEventError it throws. */
function rejection(raw: unknown): InvalidEventError {
  try {
    parseInputEvent(raw);
  } catch (err) {
    if (err instanceof InvalidEventError) return err;
    throw err;
  }
  throw new Error('expected parseInputEvent to throw InvalidEventError');
}

describe('Schemas', () => {
  describe('parseInputEvent', () => {
    it('accepts a real Connect CHAT contact event and keeps its unknown fields', () => {
      // Act
      const parsed = parseInputEvent(realChatEvent);

      // Assess
      expect(parsed.kind).toBe('contact');
      expect(parsed.event).toEqual(realChatEvent);
      expect(parsed.event.detail['contactLens']).toEqual(realChatEvent.detail.contactLens);
    });

    it('accepts the seed fixtures, with fields Connect has not documented yet', () => {
      const event = contactEvent({ eventType: 'INITIATED', contactId: C2, time: '2024-05-01T10:06:11Z', initiationMethod: 'TRANSFER', previousContactId: C1, initialContactId: C1, extra: { brandNewField: { nested: [1, 2] } } });
      expect(parseInputEvent(event)).toEqual({ kind: 'contact', event });
    });

    it('accepts a "Chat Customer Returned" event naming the past contact or the customer', () => {
      const byContact = customerReturned({ previousContactId: C2, rehydration: 'from-segment' });
      const byCustomer = customerReturned({ customerId: CUSTOMER_ID });
      expect(parseInputEvent(byContact)).toEqual({ kind: 'returned', event: byContact });
      expect(parseInputEvent(byCustomer)).toEqual({ kind: 'returned', event: byCustomer });
    });

    it('rejects a contact event without contactId, naming the field', () => {
      const { contactId, ...detail } = realChatEvent.detail;
      const error = rejection({ ...realChatEvent, detail });
      expect(error.name).toBe('InvalidEventError');
      expect(error.reason).toMatch(/^detail\.contactId: /);
      expect(error.message).toContain('expected string');
    });

    it('rejects an instanceArn that is not a Connect instance ARN', () => {
      const error = rejection({ ...realChatEvent, detail: { ...realChatEvent.detail, instanceArn: 'arn:aws:sqs:us-west-2:111122223333:queue' } });
      expect(error.message).toBe('detail.instanceArn: not a Connect instance ARN');
    });

    it('rejects an unsupported detail-type, naming what it got and what it expects', () => {
      const error = rejection({ ...realChatEvent, 'detail-type': 'Amazon Connect Agent Event' });
      expect(error.message).toBe(
        'unsupported detail-type "Amazon Connect Agent Event": expected "Amazon Connect Contact Event" or "Chat Customer Returned"',
      );
    });

    it.each([null, 'text', 42, []])('rejects %j, which is not an event', (raw) => {
      expect(rejection(raw).message).toBe('unsupported detail-type undefined: expected "Amazon Connect Contact Event" or "Chat Customer Returned"');
    });

    it('rejects a contact event from another source', () => {
      expect(rejection({ ...realChatEvent, source: 'my.app' }).message).toMatch(/^source: /);
    });

    it('rejects a returned event with neither previousContactId nor customerId', () => {
      const error = rejection(customerReturned({}));
      expect(error.message).toBe('detail: needs previousContactId or customerId');
    });

    it('rejects a returned event whose previousContactId is the new contact itself', () => {
      expect(rejection(customerReturned({ previousContactId: C9 })).message).toBe('detail: previousContactId equals contactId');
    });

    it('rejects an unknown rehydration policy', () => {
      const event = customerReturned({ customerId: CUSTOMER_ID });
      const error = rejection({ ...event, detail: { ...event.detail, rehydration: 'latest' } });
      expect(error.message).toMatch(/^detail\.rehydration: /);
    });

    it('rejects an envelope time that is not a timestamp, reporting every issue', () => {
      const { contactId, ...detail } = realChatEvent.detail;
      const error = rejection({ ...realChatEvent, time: 'yesterday', detail });
      expect(error.message).toContain('time: not an ISO-8601 timestamp');
      expect(error.message).toContain('detail.contactId: ');
      expect(error.message.split('; ')).toHaveLength(2);
    });

    it('keeps the zod error as the cause', () => {
      expect(rejection(customerReturned({})).cause).toBeDefined();
    });
  });

  describe('instanceIdFromArn', () => {
    it('returns the instance id of a Connect instance ARN', () => {
      expect(instanceIdFromArn(INSTANCE_ARN)).toBe(INSTANCE_ID);
    });

    it('throws InvalidEventError for an ARN without an instance id', () => {
      expect(() => instanceIdFromArn('arn:aws:connect:us-east-1:111122223333:instance')).toThrow(InvalidEventError);
    });
  });
});
