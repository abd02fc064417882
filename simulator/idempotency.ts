/**
 * ClientToken idempotency (docs/sources.md#clienttoken-is-not-filled-for-cpca). Same token + same
 * parameters within the retention window: the original 200 response is replayed and nothing is
 * done again. Same token + different parameters: an error (name configurable per API). Only
 * successful responses are kept, so a call that failed can be retried with its token.
 */
import type { ApiName } from './semantics';

interface Entry {
  fingerprint: string;
  response: unknown;
  storedAt: number;
}

export type TokenLookup = { kind: 'miss' } | { kind: 'replay'; response: unknown } | { kind: 'mismatch' };

export class TokenStore {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly now: () => number,
    private readonly retentionMs: () => number,
  ) {}

  private key(api: ApiName, token: string): string {
    return `${api}\u0000${token}`;
  }

  lookup(api: ApiName, token: string, params: unknown): TokenLookup {
    const k = this.key(api, token);
    const e = this.entries.get(k);
    if (!e) return { kind: 'miss' };
    if (this.now() - e.storedAt > this.retentionMs()) {
      this.entries.delete(k);
      return { kind: 'miss' };
    }
    return e.fingerprint === fingerprint(params) ? { kind: 'replay', response: e.response } : { kind: 'mismatch' };
  }

  store(api: ApiName, token: string, params: unknown, response: unknown): void {
    this.entries.set(this.key(api, token), { fingerprint: fingerprint(params), response, storedAt: this.now() });
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Canonical JSON (sorted keys) of the parameters, the ClientToken excluded by the caller. */
export function fingerprint(v: unknown): string {
  return JSON.stringify(canonical(v));
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o).sort()) if (o[k] !== undefined) out[k] = canonical(o[k]);
    return out;
  }
  return v;
}
