/**
 * core/schemas.ts: timestamps are strict ISO-8601 (RFC 3339) within 1970..2100 and compared as
 * instants; instance ARNs carry a region and a 12-digit account.
 */
import { InvalidEventError } from '../../core/errors';
import { normalizeTime } from '../../core/lineage';
import { INSTANCE_ARN, LATEST_INSTANT_MS, parseInputEvent, parseIsoInstant } from '../../core/schemas';
import { BAD_INSTANCE_ARNS, contactEvent } from '../fixtures/contact-events';

describe('parseIsoInstant', () => {
  it.each([
    ['2021-08-29T18:39:44Z', Date.UTC(2021, 7, 29, 18, 39, 44)],
    ['2023-10-24T02:39:15.154Z', Date.UTC(2023, 9, 24, 2, 39, 15, 154)],
    ['2023-10-24T02:39:15.1Z', Date.UTC(2023, 9, 24, 2, 39, 15, 100)],
    ['2023-10-24T02:39:15.123456789Z', Date.UTC(2023, 9, 24, 2, 39, 15, 123)],
    ['2024-05-01T12:05:00+02:00', Date.UTC(2024, 4, 1, 10, 5)],
    ['2024-05-01T05:05:00.500-05:00', Date.UTC(2024, 4, 1, 10, 5, 0, 500)],
    ['2024-05-01T10:05:00+00:00', Date.UTC(2024, 4, 1, 10, 5)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    ['1970-01-01T00:00:00.001Z', 1],
    ['2099-12-31T23:59:59.999Z', LATEST_INSTANT_MS - 1],
  ])('accepts %s', (text, ms) => expect(parseIsoInstant(text)).toBe(ms));

  it.each([
    '1', '', 'March 7 2021', '2021-02-30T00:00:00Z', '2023-02-29T00:00:00Z', '2021-13-01T00:00:00Z', '2021-00-10T00:00:00Z',
    '2021-04-31T00:00:00Z', '2021-01-01T24:00:00Z', '2021-01-01T23:60:00Z', '2021-01-01T23:59:60Z', '10000-01-01T00:00:00Z',
    '+010000-01-01T00:00:00.000Z', '2100-01-01T00:00:00Z', '1969-12-31T23:59:59Z', '2021-01-01', '2021-01-01T10:00Z',
    '2021-01-01T10:00:00', '2021-01-01 10:00:00Z', '2021-01-01t10:00:00z', '2021-01-01T10:00:00+2:00', '2021-01-01T10:00:00+24:00',
    '2021-01-01T10:00:00.Z', '2021-01-01T10:00:00.1234567890Z', ' 2021-01-01T10:00:00Z', '2021-01-01T10:00:00Z\n', 'Mon, 01 Jan 2021 10:00:00 GMT',
    '1700000000', '٢٠٢١-01-01T10:00:00Z',
  ])('rejects %j', (text) => expect(parseIsoInstant(text)).toBeUndefined());

  it('compares instants, not text: +02:00 and Z, fractions and none', () => {
    const a = parseIsoInstant('2024-05-01T12:00:00+02:00') as number; // 10:00Z
    const b = parseIsoInstant('2024-05-01T11:00:00Z') as number;
    expect(a < b).toBe(true);
    expect('2024-05-01T12:00:00+02:00' < '2024-05-01T11:00:00Z').toBe(false); // what text comparison gets wrong
    expect((parseIsoInstant('2024-05-01T10:00:00Z') as number) < (parseIsoInstant('2024-05-01T10:00:00.500Z') as number)).toBe(true);
  });
  it('agrees with Date.parse on every millisecond fraction, and on every day of four years of calendar', () => {
    const disagreements: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const digits = String(i).padStart(3, '0');
      for (const fraction of [digits, digits.slice(0, 1), digits.slice(0, 2), `${digits}987`]) {
        const text = `2024-05-01T10:05:00.${fraction}Z`;
        if (parseIsoInstant(text) !== Date.parse(text)) disagreements.push(text);
      }
    }
    for (const year of [2023, 2024, 2000, 2100 - 1]) {
      for (let month = 1; month <= 12; month++) {
        for (let day = 28; day <= 31; day++) {
          const text = `${year}-${String(month).padStart(2, '0')}-${day}T00:00:00Z`;
          const real = new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;
          if (parseIsoInstant(text) !== (real ? Date.parse(text) : undefined)) disagreements.push(text);
        }
      }
    }
    expect(disagreements).toEqual([]);
  });
});

describe('normalizeTime', () => {
  it.each([
    ['2024-05-01T10:05:00.123Z', '2024-05-01T10:05:00.123Z'],
    ['2024-05-01T10:05:00Z', '2024-05-01T10:05:00.000Z'],
    ['2024-05-01T10:05:00.1Z', '2024-05-01T10:05:00.100Z'],
    ['2024-05-01T12:05:00.123+02:00', '2024-05-01T10:05:00.123Z'],
    ['2024-05-01T10:05:00.123456Z', '2024-05-01T10:05:00.123Z'],
  ])('%s → %s (the form toISOString writes, so text order is time order)', (text, normal) => expect(normalizeTime(text)).toBe(normal));

  it.each(['2024-02-30T10:05:00.000Z', '2024-05-01T10:05:00.000z', '2100-01-01T00:00:00.000Z'])('%s is no time', (text) => expect(normalizeTime(text)).toBeUndefined());
});

describe('event timestamps', () => {
  const reason = (raw: unknown): string => {
    try {
      parseInputEvent(raw);
    } catch (err) {
      if (err instanceof InvalidEventError) return err.reason;
      throw err;
    }
    return 'accepted';
  };
  const base = contactEvent({ eventType: 'DISCONNECTED', contactId: 'c-ts' } as never) as unknown as Record<string, unknown> & { detail: Record<string, unknown> };

  it.each([
    ['time', '1'],
    ['time', 'March 7 2021'],
    ['time', '10000-01-01T00:00:00Z'],
    ['initiationTimestamp', '2021-02-30T00:00:00Z'],
    ['disconnectTimestamp', '+010000-01-01T00:00:00.000Z'],
    ['disconnectTimestamp', '2024-05-01 10:05:00'],
  ])('%s %j is rejected with a reason', (field, value) => {
    const raw = field === 'time' ? { ...base, time: value } : { ...base, detail: { ...base.detail, [field]: value } };
    expect(reason(raw)).toMatch(new RegExp(`${field}: not an ISO-8601 timestamp`));
  });

  it('offsets and fractions are accepted', () => {
    expect(reason({ ...base, time: '2024-05-01T12:05:00+02:00', detail: { ...base.detail, disconnectTimestamp: '2024-05-01T10:05:00.123456Z' } })).toBe('accepted');
  });
});

describe('instance ARNs', () => {
  it.each([
    'arn:aws:connect:us-east-1:111122223333:instance/5bd2ca1e-0135-4f10-b15e-d204758835ec',
    'arn:aws-us-gov:connect:us-gov-west-1:111122223333:instance/inst-1',
    'arn:aws-cn:connect:cn-north-1:111122223333:instance/x',
  ])('accepts %s', (arn) => expect(INSTANCE_ARN.test(arn)).toBe(true));

  it.each(BAD_INSTANCE_ARNS)('rejects %s', (arn) => expect(INSTANCE_ARN.test(arn)).toBe(false));
});
