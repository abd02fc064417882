/**
 * Seeded, reproducible randomness. Every random choice the simulator makes comes from a `Prng`
 * stream derived from the one seed, one stream per concern (ids, faults, latency, events,
 * traffic), so that adding draws in one concern does not shift the others.
 */

/** FNV-1a over the seed and the stream name: a stable 32-bit seed per (seed, stream). */
export function streamSeed(seed: number, stream: string): number {
  let h = 0x811c9dc5; // the seed is in the hashed text (xor-ing it in as well made seeds 1..9 collide: 1 ^ "1" === 2 ^ "2")
  const text = `${seed}:${stream}`;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** mulberry32: small, fast, good enough for simulation (not for cryptography). */
export class Prng {
  private state: number;

  constructor(seed: number, stream = 'default') {
    this.state = streamSeed(seed, stream);
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** True with probability p (p <= 0 never draws false positives; a draw is always consumed). */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Exponential with the given mean (inter-arrival times of a Poisson process). */
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** A UUID v4-shaped id (the shape Connect uses for contact ids). */
  uuid(): string {
    const hex: string[] = [];
    for (let i = 0; i < 32; i++) hex.push(this.int(16).toString(16));
    hex[12] = '4';
    hex[16] = ((this.int(4) + 8)).toString(16);
    const s = hex.join('');
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  }
}
