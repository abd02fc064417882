/**
 * `npm run bench`: every benchmark, each a ratio against a limit or a baseline measured in the
 * same run (never a timing assertion):
 *  - simulator throttle accuracy: achieved / configured rate over a 20 s burst (limit: within 5%),
 *    for DescribeContact and CreatePersistentContactAssociation;
 *  - pipeline throughput: events/s through bus + engine + store, against the interpreter alone
 *    (raw) and the store alone, on the same events (targets: >= 5,000 events/s, >= 0.3 of raw);
 *  - burst drain: 2,000 simultaneous returns at Connect's quota (scaled ×10) shared with another
 *    caller, with the Connect call budget and without it (drain ratio against the ideal drain);
 *  - ops lists: the ops query layer's paged queries (first page, deep cursor page, status, since,
 *    customer; each row joined with DescribeExecution) on 100k stored resumptions, against the
 *    same queries on 1k measured in the same run (ratio near 1 = paged).
 * Prints one JSON line per benchmark and writes them to bench/reports/latest.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const TSX = join(__dirname, '..', 'node_modules', '.bin', 'tsx');
const runs: [string, string[]][] = [
  ['simulator-throttle.ts', ['--api', 'DescribeContact']],
  ['simulator-throttle.ts', ['--api', 'CreatePersistentContactAssociation']],
  ['pipeline-throughput.ts', ['--events', '20000']],
  ['burst-drain.ts', ['--returns', '2000', '--scale', '10']],
  ['ops-list.ts', ['--resumptions', '100000', '--baseline', '1000']],
];

const results: unknown[] = [];
let failed = 0;
for (const [script, args] of runs) {
  process.stderr.write(`bench ${script} ${args.join(' ')} ...\n`);
  try {
    const out = execFileSync(TSX, [join(__dirname, script), ...args], { encoding: 'utf8', env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
    const line = out.split('\n').find((l) => l.startsWith('{'));
    if (line) results.push({ bench: script, args, ...JSON.parse(line) });
    process.stdout.write(`${line ?? out}\n`);
  } catch (err) {
    failed++;
    const e = err as { stdout?: string; message: string };
    process.stdout.write(`${script} ${args.join(' ')} FAILED: ${e.stdout ?? e.message}\n`);
  }
}
mkdirSync(join(__dirname, 'reports'), { recursive: true });
writeFileSync(join(__dirname, 'reports', 'latest.json'), `${JSON.stringify({ at: new Date().toISOString(), results }, null, 2)}\n`);
process.exitCode = failed > 0 ? 1 : 0;
