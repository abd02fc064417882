/**
 * Do the ops lists stay fast with 100k resumptions stored? Fills a SQLite store with N returns
 * (each with its segment, one customer per 4 returns, statuses mixed), starts the local stack on
 * it, and times the ops query layer's paged queries through the real SFN client over HTTP (each
 * row joined with DescribeExecution, as `chatline resumptions` does): the first page, a page deep
 * in the list (by cursor), a status filter, a --since window and one customer. The baseline is
 * the same queries on a store of --baseline returns, measured in the same run: the ratio
 * large / baseline stays near 1 when the queries are paged (a full scan grows with N: the
 * listResumptions() row shows that, for contrast). Also one `chatline resumptions --json` run in
 * its own process on each store. No timing assertion: figures and ratios only.
 *
 *   npx tsx bench/ops-list.ts [--resumptions 100000] [--baseline 1000] [--repeat 20]
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { LOCAL_REGION } from '../core/constants';
import type { Resumption, ResumptionStatus } from '../core/ledger';
import { startLocalStack } from '../local/stack';
import { SqliteStore } from '../local/store/sqlite-store';
import { OpsQuery } from '../ops/query';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const STATUSES: ResumptionStatus[] = ['ASSOCIATED', 'ASSOCIATED', 'ASSOCIATED', 'SKIPPED', 'FAILED', 'PLANNED'];
const START = Date.parse('2026-11-01T00:00:00.000Z');
const uuid = (n: number, tag: string): string => `${tag}${n.toString(16).padStart(7, '0')}-0000-4000-8000-000000000000`.slice(0, 36);

async function fill(dbPath: string, n: number): Promise<void> {
  const store = new SqliteStore(dbPath);
  for (let i = 0; i < n; i++) {
    const contactId = uuid(i, 'r');
    const at = new Date(START + i * 1000).toISOString();
    const status = STATUSES[i % STATUSES.length] as ResumptionStatus;
    const r: Resumption = {
      instanceId: 'bench-instance',
      contactId,
      status,
      via: 'app',
      attempts: 1,
      ...(status === 'FAILED' || status === 'SKIPPED' ? { reason: status === 'FAILED' ? 'Connect.InternalServiceException: bench' : 'no past session' } : {}),
      createdAt: at,
      updatedAt: at,
    };
    await store.putResumption(r, 0);
    await store.putSegment({ instanceId: 'bench-instance', contactId, channel: 'CHAT', initiationMethod: 'API', customerId: `customer-${i % Math.ceil(n / 4)}`, initiatedAt: at, eventTypes: ['INITIATED'], lastEventAt: at }, 0);
    if (i % 5000 === 4999) store.flush();
  }
  store.close();
}

interface Figures {
  firstPage: number;
  deepPage: number;
  status: number;
  since: number;
  customer: number;
  fullScan: number;
  cliRun: number;
  total: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function measure(n: number, repeat: number): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), 'chatline-bench-ops-'));
  const dbPath = join(dir, 'chatline.db');
  try {
    await fill(dbPath, n);
    const stack = await startLocalStack({ dbPath, lockOwner: 'bench ops-list', simulator: { transcriptReadySeconds: 0 } });
    const sfn = new SFNClient({ endpoint: stack.url, region: LOCAL_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const ops = new OpsQuery({ store: stack.store, sfn, resumeChatArn: stack.arns.resumeChat });
    try {
      const time = async (fn: () => Promise<unknown>): Promise<number> => {
        await fn(); // warm: prepared statements, HTTP keep-alive
        const xs: number[] = [];
        for (let k = 0; k < repeat; k++) {
          const t = performance.now();
          await fn();
          xs.push(performance.now() - t);
        }
        return median(xs);
      };
      // A cursor half-way down the list: walk there once, untimed (no offset scans involved).
      let cursor: string | undefined;
      for (let seen = 0; seen < n / 2; ) {
        const page = await stack.store.pageResumptions({ limit: 1000, ...(cursor ? { cursor } : {}) });
        seen += page.items.length;
        cursor = page.next;
      }
      const mid = new Date(START + Math.floor(n * 0.9) * 1000).toISOString();
      const total = (await ops.resumptions({ limit: 1 })).total;
      const figures = {
        firstPage: await time(() => ops.resumptions({ limit: 50 })),
        deepPage: await time(() => ops.resumptions({ limit: 50, ...(cursor ? { cursor } : {}) })),
        status: await time(() => ops.resumptions({ limit: 50, statuses: ['FAILED'] })),
        since: await time(() => ops.resumptions({ limit: 50, since: mid })),
        customer: await time(() => ops.resumptions({ limit: 50, customerId: 'customer-7' })),
        fullScan: await time(() => stack.store.listResumptions()),
      };
      stack.store.flush();
      const t = performance.now();
      // Asynchronously: the child's DescribeExecution calls are answered by this process.
      await promisify(execFile)(process.execPath, [join(__dirname, '..', 'bin', 'chatline.cjs'), 'resumptions', '--json', '--db', dbPath, '--endpoint', stack.url], { encoding: 'utf8', maxBuffer: 64 << 20 });
      const cliRun = performance.now() - t;
      return { ...figures, cliRun, total };
    } finally {
      sfn.destroy();
      await stack.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const n = arg('resumptions', 100_000);
  const baseline = arg('baseline', 1000);
  const repeat = arg('repeat', 20);
  const small = await measure(baseline, repeat);
  const large = await measure(n, repeat);
  const ms = (x: number) => Math.round(x * 100) / 100;
  const keys = ['firstPage', 'deepPage', 'status', 'since', 'customer', 'fullScan', 'cliRun'] as const;
  process.stdout.write(
    `${JSON.stringify({
      resumptions: large.total,
      baseline: small.total,
      medianMs: Object.fromEntries(keys.map((k) => [k, { baseline: ms(small[k]), large: ms(large[k]), ratio: ms(large[k] / small[k]) }])),
    })}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
