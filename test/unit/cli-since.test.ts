/** `--since`: strict ISO-8601 (as every input is read) or a duration back from now; a bare day is its start in UTC. */
import { since } from '../../cli/ops-source';

const parse = since(() => new Date('2026-12-04T12:00:00.000Z'));

describe('--since', () => {
  it.each([
    ['2h', '2026-12-04T10:00:00.000Z'],
    ['1w', '2026-11-27T12:00:00.000Z'],
    ['2026-12-01', '2026-12-01T00:00:00.000Z'],
    ['2026-12-01T10:00:00+02:00', '2026-12-01T08:00:00.000Z'],
  ])('reads %s as %s', (value, iso) => {
    expect(parse(value)).toBe(iso);
  });

  it.each(['yesterday', 'March 7 2021', '1', '2021-02-30', '2021-02-30T00:00:00Z', '2026-12-01T10:00', '10000-01-01T00:00:00Z', '2999-01-01T00:00:00Z'])('refuses %s with the forms it takes', (value) => {
    expect(() => parse(value)).toThrow(/must be an ISO time between 1970 and 2100 .* or a duration back from now/);
  });
});
