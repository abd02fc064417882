/**
 * The crash test over many seeds (issue 4): each seed SIGKILLs `chatline dev` at a different
 * point of a burst, restarts it on the same SQLite file and checks that nothing was lost,
 * nothing associated twice, and every execution ended.
 *
 *   npx tsx bench/crash-seeds.ts [--seeds 20] [--from 1] [--customers 8]
 */
import '../cli/quiet-warnings';
import { runCrashScenario } from '../test/crash/crash-scenario';

function arg(name: string, fallback: string): number {
  const i = process.argv.indexOf(`--${name}`);
  return Number((i >= 0 ? process.argv[i + 1] : undefined) ?? fallback);
}

async function main(): Promise<void> {
  const seeds = arg('seeds', '20');
  const from = arg('from', '1');
  const customers = arg('customers', '8');
  let bad = 0;
  for (let seed = from; seed < from + seeds; seed++) {
    const started = Date.now();
    const r = await runCrashScenario(seed, customers);
    const ok = r.lostEvents.length === 0 && r.duplicateAssociations.length === 0 && r.notAssociated.length === 0 && r.nonTerminalExecutions === 0 && r.inboxLeft === 0;
    if (!ok) bad++;
    process.stdout.write(
      `seed ${seed}: ${ok ? 'ok' : 'FAILED'} (killed after batch ${r.killedAfterBatch}, ${r.acceptedEvents} events accepted, lost ${r.lostEvents.length}, duplicate associations ${r.duplicateAssociations.length}, not associated ${r.notAssociated.length}, not terminal ${r.nonTerminalExecutions}, inbox left ${r.inboxLeft}; continued ${r.recovered.executions} executions and ${r.recovered.events} inbox events; ${Date.now() - started} ms)\n`,
    );
    if (!ok) process.stdout.write(`  ${JSON.stringify(r)}\n`);
  }
  process.stdout.write(`${seeds - bad} of ${seeds} seeds held\n`);
  if (bad > 0) process.exitCode = 1;
}

void main();
