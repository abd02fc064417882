/** The pure edge checks: strict ISO-8601 instants and JSON nesting depth measured without recursion. */
import { parseIsoInstant, waitTimestamp } from '../../core/iso-time';
import { jsonTextDepth, nestsDeeperThan } from '../../core/json-depth';
import { parseInputEvent } from '../../core/schemas';
import { INSTANCE_ARN, contactEvent } from '../fixtures/contact-events';

const T = '2021-08-04T17:43:48Z';

const accepted: [string, string][] = [
  ['2021-08-04T17:43:48Z', '2021-08-04T17:43:48.000Z'],
  ['2021-08-04T17:43:48.123Z', '2021-08-04T17:43:48.123Z'],
  ['2021-08-04T19:43:48+02:00', '2021-08-04T17:43:48.000Z'],
  ['2021-08-04T12:43:48.5-05:00', '2021-08-04T17:43:48.500Z'],
  ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
  ['2000-01-01T00:00:00Z', '2000-01-01T00:00:00.000Z'],
];
const refused: [string, RegExp][] = [
  ['1', /not an ISO-8601 date-time/],
  ['March 7 2021', /not an ISO-8601 date-time/],
  ['2021-03-07', /not an ISO-8601 date-time/],
  ['2021-03-07 10:00:00Z', /not an ISO-8601 date-time/],
  ['2021-03-07T10:00:00', /not an ISO-8601 date-time/],
  ['+010000-01-01T00:00:00.000Z', /not an ISO-8601 date-time/],
  ['10000-01-01T00:00:00Z', /not an ISO-8601 date-time/],
  ['2021-02-30T00:00:00Z', /not a calendar date/],
  ['2023-02-29T00:00:00Z', /not a calendar date/],
  ['2021-13-01T00:00:00Z', /not a calendar date/],
  ['2021-00-10T00:00:00Z', /not a calendar date/],
  ['2021-04-31T00:00:00Z', /not a calendar date/],
  ['2021-03-07T24:00:00Z', /not a time of day/],
  ['2021-03-07T10:60:00Z', /not a time of day/],
  ['2021-03-07T10:00:60Z', /not a time of day/],
  ['2021-03-07T10:00:00+24:00', /not a UTC offset/],
  ['1999-12-31T23:59:59Z', /outside the accepted range/],
  ['2100-01-01T00:00:00Z', /outside the accepted range/],
  ['9999-12-31T23:59:59Z', /outside the accepted range/],
];

describe('parseIsoInstant', () => {
  it.each(accepted)('accepts %s as the instant %s', (text, iso) => {
    const parsed = parseIsoInstant(text);
    expect('ms' in parsed && new Date(parsed.ms).toISOString()).toBe(iso);
  });
  it.each(refused)('refuses %s', (text, reason) => {
    const parsed = parseIsoInstant(text);
    expect('reason' in parsed && parsed.reason).toMatch(reason);
  });
  it('a contact event with such a timestamp is an InvalidEventError naming the field', () => {
    const event = contactEvent({ eventType: 'DISCONNECTED', contactId: 'c-1', time: T, disconnectTimestamp: '10000-01-01T00:00:00Z' });
    expect(() => parseInputEvent(event)).toThrow(/detail.disconnectTimestamp: not an ISO-8601 date-time/);
  });
});

describe('JSON depth', () => {
  const nested = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
  it.each([
    ['1', 0],
    ['{}', 1],
    ['[[],[[]]]', 3],
    ['{"a":"{{{{[[["}', 1],
    ['{"a":"\\"{{"}', 1],
  ])('jsonTextDepth(%s) is %d', (text, depth) => expect(jsonTextDepth(text)).toBe(depth));
  it('measures 100,000 levels without overflowing the stack', () => {
    expect(jsonTextDepth(nested(100_000))).toBe(100_000);
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    expect(nestsDeeperThan(deep, 32)).toBe(true);
    expect(nestsDeeperThan({ a: { b: [1, { c: 2 }] } }, 4)).toBe(false);
    expect(nestsDeeperThan({ a: { b: [1, { c: 2 }] } }, 3)).toBe(true);
  });
  it('an event nested deeper than 32 levels is an InvalidEventError, not a stack overflow', () => {
    const event = contactEvent({ eventType: 'INITIATED', contactId: 'c-1', time: T, extra: { deep: JSON.parse(nested(5000)) as unknown } });
    expect(() => parseInputEvent(event)).toThrow('(event): nests JSON deeper than 32 levels');
  });
  it('an instance ARN needs a region and a 12-digit account', () => {
    for (const arn of ['arn:aws:connect:::instance/x', 'arn:aws:connect:us-east-1::instance/x', 'arn:aws:connect:us-east-1:1234:instance/x', 'arn:aws:connect:useast:123456789012:instance/x']) {
      expect(() => parseInputEvent(contactEvent({ eventType: 'INITIATED', contactId: 'c-1', time: T, instanceArn: arn }))).toThrow(/instanceArn: not a Connect instance ARN/);
    }
    expect(parseInputEvent(contactEvent({ eventType: 'INITIATED', contactId: 'c-1', time: T, instanceArn: INSTANCE_ARN })).kind).toBe('contact');
  });
});

describe('waitTimestamp', () => {
  it.each([
    [Date.parse('2024-05-02T09:00:30.000Z'), '2024-05-02T09:00:30.000Z'],
    [Date.parse('2024-05-02T09:00:30.001Z'), '2024-05-02T09:00:31.000Z'],
    [Date.parse('2024-05-02T09:00:30.999Z'), '2024-05-02T09:00:31.000Z'],
  ])('rounds %d up to the whole second %s', (ms, iso) => expect(waitTimestamp(ms)).toBe(iso));
});
