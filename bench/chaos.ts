/**
 * npm run chaos -- --contacts N --seed S [--speed 10] [--arrival-rate 1] [--kill-every 2000]
 *   [--token-replay replay|check-state-first] [--verbose]
 * Prints one JSON line (see bench/chaos/scenario.ts) and exits 1 if a zero-count is not zero.
 */
import { DEFAULT_CHAOS_SPEED, runChaos, ZERO_COUNTS } from './chaos/scenario';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) {
    process.stderr.write(`--${name} must be a number > 0; got "${process.argv[i + 1] ?? ''}"\n`);
    process.exit(2);
  }
  return v;
}

/** --token-replay: how the simulator answers a repeat of a committed association (ChaosOptions.tokenReplay). */
function tokenReplay(): 'replay' | 'check-state-first' {
  const i = process.argv.indexOf('--token-replay');
  if (i < 0) return 'replay';
  const v = process.argv[i + 1];
  if (v !== 'replay' && v !== 'check-state-first') {
    process.stderr.write(`--token-replay must be replay or check-state-first; got "${v ?? ''}"\n`);
    process.exit(2);
  }
  return v;
}

async function main(): Promise<void> {
  const verbose = process.argv.includes('--verbose');
  const log = (line: string): void => void (verbose && process.stderr.write(`${line}\n`));
  const { report, verdict, info } = await runChaos({
    contacts: arg('contacts', 200),
    seed: arg('seed', 1),
    speed: arg('speed', DEFAULT_CHAOS_SPEED),
    arrivalRate: arg('arrival-rate', 1),
    killEvery: arg('kill-every', 2000),
    tokenReplay: tokenReplay(),
    log,
  });
  if (verbose) {
    process.stderr.write(`${JSON.stringify(info)}\n`);
    for (const [k, v] of Object.entries(verdict)) if (v.length > 0) process.stderr.write(`${k} (${v.length}): ${v.slice(0, 10).join('; ')}\n`);
  }
  process.stdout.write(`${JSON.stringify(report)}\n`);
  process.exitCode = ZERO_COUNTS.some((k) => report[k] !== 0) ? 1 : 0;
}

main().catch((err: unknown) => {
  process.stderr.write(`chaos: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(2);
});
