/** A readiness Wait never ends early: its timestamp is rounded up to the second Step Functions keeps. */
import { waitTimestamp } from '../../core/iso-time';

describe('waitTimestamp', () => {
  it.each([
    [Date.parse('2024-05-02T09:00:30.000Z'), '2024-05-02T09:00:30.000Z'],
    [Date.parse('2024-05-02T09:00:30.001Z'), '2024-05-02T09:00:31.000Z'],
    [Date.parse('2024-05-02T09:00:30.999Z'), '2024-05-02T09:00:31.000Z'],
  ])('rounds %d up to the whole second %s', (ms, iso) => expect(waitTimestamp(ms)).toBe(iso));
});
