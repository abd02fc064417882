/** Unit tests of the simulator's small parts: PRNG, token bucket, fault config, routes, idempotency. */
import { mergeFaults, emptyFaults, parseFaultConfig, sampleMs } from '../../../simulator/faults';
import { fingerprint, TokenStore } from '../../../simulator/idempotency';
import { Prng } from '../../../simulator/prng';
import { matchRoute } from '../../../simulator/routes';
import { TokenBucket, Throttler } from '../../../simulator/throttle';

describe('Prng', () => {
  test('same seed and stream: same sequence; streams are independent', () => {
    const a = new Prng(7, 'x');
    const b = new Prng(7, 'x');
    const c = new Prng(7, 'y');
    const sa = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(sa);
    expect(sa.every((v) => v >= 0 && v < 1)).toBe(true);
  });

  test('uuid has the v4 shape', () => {
    const p = new Prng(1);
    for (let i = 0; i < 50; i++) expect(p.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  test('exponential has roughly the given mean', () => {
    const p = new Prng(3);
    let sum = 0;
    for (let i = 0; i < 20000; i++) sum += p.exponential(10);
    expect(sum / 20000).toBeGreaterThan(9.5);
    expect(sum / 20000).toBeLessThan(10.5);
  });
});

describe('TokenBucket', () => {
  test('burst then the rate', () => {
    const b = new TokenBucket({ rate: 2, burst: 5 }, 0);
    const first = Array.from({ length: 6 }, () => b.take(0));
    expect(first).toEqual([true, true, true, true, true, false]);
    expect(b.take(499)).toBe(false);
    expect(b.take(500)).toBe(true);
    expect(b.take(500)).toBe(false);
    // Refill is capped at the burst.
    expect(Array.from({ length: 6 }, () => b.take(100_000)).filter(Boolean)).toHaveLength(5);
  });

  test('Throttler: per-API buckets, false disables, setLimits restarts', () => {
    let t = 0;
    const th = new Throttler(() => t, { DescribeContact: { rate: 1, burst: 1 }, StopContact: false });
    expect(th.allow('DescribeContact')).toBe(true);
    expect(th.allow('DescribeContact')).toBe(false);
    expect(th.allow('CreatePersistentContactAssociation')).toBe(true);
    for (let i = 0; i < 100; i++) expect(th.allow('StopContact')).toBe(true);
    t = 1000;
    expect(th.allow('DescribeContact')).toBe(true);
    th.setLimits({ DescribeContact: { rate: 1, burst: 3 } });
    expect([th.allow('DescribeContact'), th.allow('DescribeContact'), th.allow('DescribeContact'), th.allow('DescribeContact')]).toEqual([true, true, true, false]);
  });
});

describe('fault config', () => {
  test('parse and merge', () => {
    const f = parseFaultConfig({ error5xxRate: 0.5, latency: 20, lostResponseAfterCommit: { StopContact: 1 }, events: { duplicateRate: 1 } });
    expect(f.latency).toEqual({ kind: 'fixed', ms: 20 });
    const s = mergeFaults(mergeFaults(emptyFaults(), f), { lostResponseAfterCommit: 2, events: { dropRate: 0.5 } });
    expect(s.lostResponseAfterCommit).toEqual({ StopContact: 1, CreatePersistentContactAssociation: 2 });
    expect(s.events).toEqual({ duplicateRate: 1, dropRate: 0.5 });
  });

  test('rejects bad values', () => {
    expect(() => parseFaultConfig({ error5xxRate: -1 })).toThrow();
    expect(() => parseFaultConfig({ error5xxApis: ['Nope'] })).toThrow(/API/);
    expect(() => parseFaultConfig({ latency: { kind: 'uniform', minMs: 5, maxMs: 1 } })).toThrow();
    expect(() => parseFaultConfig({ lostResponseAfterCommit: 1.5 })).toThrow(/integer/);
    expect(() => parseFaultConfig({ events: { shuffle: 1 } })).toThrow(/unknown/);
    expect(() => parseFaultConfig([])).toThrow();
  });

  test('distributions', () => {
    const p = new Prng(1);
    expect(sampleMs({ kind: 'fixed', ms: 7 }, p)).toBe(7);
    const u = sampleMs({ kind: 'uniform', minMs: 10, maxMs: 20 }, p);
    expect(u).toBeGreaterThanOrEqual(10);
    expect(u).toBeLessThan(20);
    expect(sampleMs({ kind: 'exponential', meanMs: 1e9, capMs: 5 }, p)).toBeLessThanOrEqual(5);
    expect(sampleMs(undefined, p)).toBe(0);
  });
});

describe('routes', () => {
  test('match with percent-decoded labels', () => {
    expect(matchRoute('POST', '/contact/persistent-contact-association/i/a%2Fb%3Fc%23d%20e%2Bf%25')).toEqual({
      api: 'CreatePersistentContactAssociation',
      labels: ['i', 'a/b?c#d e+f%'],
    });
    expect(matchRoute('GET', '/contacts/i/c')).toEqual({ api: 'DescribeContact', labels: ['i', 'c'] });
    expect(matchRoute('GET', '/contacts/i/')).toEqual({ api: 'DescribeContact', labels: ['i', ''] });
    expect(matchRoute('PUT', '/contact/chat')?.api).toBe('StartChatContact');
    expect(matchRoute('POST', '/contact/stop')?.api).toBe('StopContact');
    expect(matchRoute('POST', '/contact/transfer')?.api).toBe('TransferContact');
    expect(matchRoute('GET', '/contact/attributes/i/c')?.api).toBe('GetContactAttributes');
    expect(matchRoute('POST', '/contacts/i/c')).toBeUndefined();
    expect(matchRoute('GET', '/contacts/%E0%A4%A')).toBeUndefined();
  });
});

describe('TokenStore', () => {
  test('replay, mismatch, expiry; fingerprint ignores key order', () => {
    let t = 0;
    const s = new TokenStore(() => t, () => 1000);
    expect(fingerprint({ a: 1, b: { c: 2, d: 3 } })).toBe(fingerprint({ b: { d: 3, c: 2 }, a: 1 }));
    expect(s.lookup('StopContact', 'k', { a: 1 })).toEqual({ kind: 'miss' });
    s.store('StopContact', 'k', { a: 1 }, { ok: true });
    expect(s.lookup('StopContact', 'k', { a: 1 })).toEqual({ kind: 'replay', response: { ok: true } });
    expect(s.lookup('StopContact', 'k', { a: 2 })).toEqual({ kind: 'mismatch' });
    expect(s.lookup('TransferContact', 'k', { a: 2 })).toEqual({ kind: 'miss' });
    t = 1001;
    expect(s.lookup('StopContact', 'k', { a: 1 })).toEqual({ kind: 'miss' });
  });
});
