/** The replay's input side: streamed lines (bytes, UTF-8, size), line screening, the progress line. */
import { linesOf, MAX_LINE_BYTES } from '../../cli/replay-lines';
import type { SourceLine } from '../../cli/replay-lines';
import { progressLine } from '../../cli/replay-progress';
import { screenLine } from '../../cli/replay-screen';
import { jsonDepth, MAX_JSON_DEPTH } from '../../core/json-input';

async function collect(chunks: Buffer[], max?: number): Promise<SourceLine[]> {
  const out: SourceLine[] = [];
  for await (const l of linesOf((async function* () { yield* chunks; })(), max)) out.push(l);
  return out;
}

describe('linesOf', () => {
  it('splits on bytes across chunk boundaries, numbers lines from 1, skips blank lines, drops \\r', async () => {
    const lines = await collect([Buffer.from('{"a":1}\r\n\n  \n{"b"'), Buffer.from(':2}\n{"c":3}')]);
    expect(lines.map((l) => ('text' in l ? [l.line, l.text] : [l.line, l.problem]))).toEqual([
      [1, '{"a":1}'],
      [4, '{"b":2}'],
      [5, '{"c":3}'],
    ]);
    expect(lines[2]?.bytesRead).toBe(Buffer.byteLength('{"a":1}\r\n\n  \n{"b":2}\n{"c":3}'));
  });

  it('reports invalid UTF-8 instead of replacing it, also when a character is split between chunks', async () => {
    const euro = Buffer.from('"€"');
    const lines = await collect([Buffer.concat([euro.subarray(0, 2)]), Buffer.concat([euro.subarray(2), Buffer.from('\n'), Buffer.from([0x22, 0xc3, 0x28, 0x22, 0x0a])])]);
    expect(lines).toEqual([
      { line: 1, text: '"€"', bytesRead: 6 },
      { line: 2, problem: 'not valid UTF-8', sample: expect.any(String), bytesRead: 11 },
    ]);
  });

  it('rejects a line longer than the limit without holding it, and goes on with the next', async () => {
    const long = Buffer.alloc(50_000, 0x78);
    const lines = await collect([long, long, Buffer.from('\n{"ok":true}')], 64 * 1024);
    expect(lines.map((l) => ('text' in l ? l.text : l.problem))).toEqual([`line longer than ${MAX_LINE_BYTES} bytes (the PutEvents entry limit)`, '{"ok":true}']);
    expect((lines[0] as { sample: string }).sample).toHaveLength(200);
  });

  it('gives the last line without a trailing newline', async () => {
    expect((await collect([Buffer.from('{"a":1}\n{"b":2}')])).map((l) => l.line)).toEqual([1, 2]);
  });
});

describe('screenLine', () => {
  const none = (): string[] => [];
  const all = (): string[] => ['rule'];
  const connect = (detail: object): string =>
    JSON.stringify({ version: '0', id: 'e', 'detail-type': 'Amazon Connect Contact Event', source: 'aws.connect', time: '2026-01-01T00:00:00Z', detail });

  it('measures depth without recursion, and stops counting past the limit', () => {
    expect(jsonDepth(1)).toBe(0);
    expect(jsonDepth({ a: [1, { b: {} }] })).toBe(4);
    expect(jsonDepth(JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`))).toBe(MAX_JSON_DEPTH + 1);
  });

  it.each([
    ['not JSON', '{not json', /^not JSON/],
    ['a string', '"a string"', /expected a JSON object/],
    ['no detail-type', '{"source":"x","detail":{}}', /no detail-type/],
    ['an array detail', '{"source":"x","detail-type":"y","detail":[]}', /no detail \(an object\)/],
    ['1001 levels of nesting', `{"source":"x","detail-type":"y","detail":${'['.repeat(1001)}${']'.repeat(1001)}}`, /nested deeper than 1000 levels/],
    ['an app event under aws.connect', JSON.stringify({ source: 'aws.connect', 'detail-type': 'Chat Customer Returned', detail: {} }), /aws\.\* sources are reserved/],
  ])('rejects %s', (_name, line, reason) => {
    const s = screenLine(line, all);
    expect(s.kind).toBe('rejected');
    expect((s as { reason: string }).reason).toMatch(reason);
  });

  it('ignores a well-formed event no rule matches, rejects a matched one that does not validate, delivers a valid one', () => {
    expect(screenLine(connect({ channel: 'VOICE' }), none)).toEqual({ kind: 'ignored', reason: 'no rule matches source aws.connect, detail-type Amazon Connect Contact Event' });
    expect(screenLine(connect({ channel: 'CHAT', eventType: 'INITIATED' }), all)).toMatchObject({ kind: 'rejected', reason: expect.stringContaining('detail.contactId') });
    const valid = connect({ channel: 'CHAT', eventType: 'INITIATED', contactId: 'c1', instanceArn: 'arn:aws:connect:us-east-1:000000000000:instance/i1' });
    expect(screenLine(valid, all)).toMatchObject({ kind: 'deliver', contactId: 'c1' });
  });
});

describe('progressLine', () => {
  it('shows the share read, the rate and the time left', () => {
    expect(progressLine({ lines: 500, done: 450, bytesRead: 250, totalBytes: 1000, elapsedMs: 10_000 }, 8)).toBe('[##------]  25%  450 lines  45 events/s  ETA 30s');
    expect(progressLine({ lines: 10, done: 10, bytesRead: 1000, totalBytes: 1000, elapsedMs: 1000 }, 4)).toBe('[####] 100%  10 lines  10 events/s  ETA 0s');
    expect(progressLine({ lines: 0, done: 0, bytesRead: 0, totalBytes: 0, elapsedMs: 0 })).toBe('0 lines  0 events/s  ETA --');
  });
});
