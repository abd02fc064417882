/**
 * The console's lists with many resumptions stored: fills a local stack's SQLite store with
 * `--resumptions` ledger records (default 100000; a tenth FAILED, the rest ASSOCIATED), then times
 * the console API over HTTP (first page, a status filter, a page deep in the list by its cursor)
 * and the live-update fingerprint. One JSON line on stdout.
 *
 *   npx tsx bench/console-list.ts [--resumptions 100000]
 */
import '../cli/quiet-warnings';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack } from '../local/stack';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return (i >= 0 ? process.argv[i + 1] : undefined) ?? fallback;
}

async function timed(url: string, runs = 5): Promise<{ ms: number; body: { total?: number; next?: string; items?: unknown[] } }> {
  let best = Number.POSITIVE_INFINITY;
  let body = {};
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const res = await fetch(url);
    body = await res.json();
    if (!res.ok) throw new Error(`${url}: ${res.status} ${JSON.stringify(body)}`);
    best = Math.min(best, performance.now() - t0);
  }
  return { ms: Math.round(best * 10) / 10, body };
}

async function main(): Promise<void> {
  const n = Number(arg('resumptions', '100000'));
  const dir = mkdtempSync(join(tmpdir(), 'chatline-console-bench-'));
  const stack = await startLocalStack({ dbPath: join(dir, 'chatline.db') });
  try {
    const t0 = performance.now();
    const base = Date.parse('2026-01-01T00:00:00.000Z');
    for (let i = 0; i < n; i++) {
      const at = new Date(base + i * 1000).toISOString();
      await stack.store.putResumption({ instanceId: 'bench-instance', contactId: `contact-${String(i).padStart(7, '0')}`, status: i % 10 === 0 ? 'FAILED' : 'ASSOCIATED', attempts: 1, createdAt: at, updatedAt: at, ...(i % 10 === 0 ? { reason: 'Connect.ResourceNotFoundException: no such contact' } : {}) }, 0);
    }
    stack.store.flush();
    const fillSeconds = Math.round((performance.now() - t0) / 100) / 10;
    const api = `${stack.url}/_chatline/api/resumptions`;
    const first = await timed(`${api}?limit=25`);
    const failed = await timed(`${api}?limit=25&status=FAILED`);
    let cursor = first.body.next as string;
    for (let p = 0; p < 40; p++) cursor = (await timed(`${api}?limit=25&cursor=${encodeURIComponent(cursor)}`, 1)).body.next as string;
    const deep = await timed(`${api}?limit=25&cursor=${encodeURIComponent(cursor)}`);
    const f0 = performance.now();
    for (let i = 0; i < 5; i++) await Promise.all((['PLANNED', 'ASSOCIATED', 'FAILED', 'SKIPPED'] as const).map((s) => stack.store.pageResumptions({ statuses: [s], limit: 1 })));
    const fingerprintMs = Math.round(((performance.now() - f0) / 5) * 10) / 10;
    process.stdout.write(
      `${JSON.stringify({ resumptions: n, fillSeconds, total: first.body.total, failedTotal: failed.body.total, firstPageMs: first.ms, failedPageMs: failed.ms, page42Ms: deep.ms, liveFingerprintMs: fingerprintMs })}\n`,
    );
  } finally {
    await stack.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
