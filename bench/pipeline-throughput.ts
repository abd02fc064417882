/**
 * How many contact events per second does the local pipeline record (bus → contact-events
 * workflow on the local engine → RecordContactEvent → SQLite), against a baseline measured in
 * the same run: the same events through RecordContactEvent directly on a SQLite store, with no
 * bus and no engine. The ratio is the engine's cost; it is a ratio, not a timing assertion.
 *
 *   npx tsx bench/pipeline-throughput.ts [--sessions 300]
 */
import '../cli/quiet-warnings';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PLANNER_CONFIG } from '../core/planner';
import { recordContactEvent } from '../core/use-cases';
import type { EventEnvelope } from '../local/bus';
import { startLocalStack } from '../local/stack';
import { SqliteStore } from '../local/store/sqlite-store';
import { ConnectSimulator } from '../simulator';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return (i >= 0 ? process.argv[i + 1] : undefined) ?? fallback;
}

async function recordedStream(sessions: number): Promise<EventEnvelope[]> {
  const sim = new ConnectSimulator({ seed: 7, transcriptReadySeconds: 0 });
  const instanceId = sim.createInstance('bench-instance');
  for (let i = 0; i < sessions; i++) {
    const { contactId } = await sim.startChat({ instanceId, customerId: `c-${i}` });
    await sim.acceptContact(instanceId, contactId, 'a1');
    const { contactId: c2 } = await sim.transferContact(instanceId, contactId, 'a2');
    const { surveyContactId } = await sim.endContact(instanceId, c2, { survey: i % 2 === 0 });
    if (surveyContactId) await sim.endContact(instanceId, surveyContactId);
  }
  await sim.flushEvents();
  return sim.emittedEvents() as unknown as EventEnvelope[];
}

async function main(): Promise<void> {
  const sessions = Number(arg('sessions', '300'));
  const events = await recordedStream(sessions);
  const dir = mkdtempSync(join(tmpdir(), 'chatline-bench-'));
  try {
    const direct = new SqliteStore(join(dir, 'direct.db'));
    const t0 = performance.now();
    for (const e of events) await recordContactEvent({ store: direct, now: () => new Date() }, e);
    const directPerSecond = events.length / ((performance.now() - t0) / 1000);
    direct.close();

    const stack = await startLocalStack({ dbPath: join(dir, 'pipeline.db'), planner: DEFAULT_PLANNER_CONFIG });
    const t1 = performance.now();
    for (const e of events) stack.bus.deliver(e);
    await stack.bus.waitForIdle();
    await stack.sfn.waitForIdle();
    const pipelinePerSecond = events.length / ((performance.now() - t1) / 1000);
    const segments = (await stack.store.listSegments()).length;
    await stack.close();

    const result = {
      events: events.length,
      segments,
      directEventsPerSecond: Math.round(directPerSecond),
      pipelineEventsPerSecond: Math.round(pipelinePerSecond),
      pipelineToDirectRatio: Number((pipelinePerSecond / directPerSecond).toFixed(3)),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
