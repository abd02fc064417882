/** A local stack on a temporary SQLite file, with timings compressed for tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalStack, LocalStackOptions } from '../../local/stack';
import { startLocalStack } from '../../local/stack';

export async function startTestStack(overrides: Partial<LocalStackOptions> = {}): Promise<LocalStack & { dispose(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'chatline-test-'));
  const stack = await startLocalStack({
    dbPath: join(dir, 'chatline.db'),
    planner: { readinessDelaySeconds: 0, lateEventGraceSeconds: 0.3 },
    // Retries are scaled to milliseconds here, Connect's token buckets are not: throttling is
    // tested on its own (test/integration/simulator), not mixed into workflow timing.
    simulator: { transcriptReadySeconds: 0, throttling: false },
    retryTimeScale: 0.005,
    ...overrides,
  });
  return Object.assign(stack, {
    dispose: async () => {
      await stack.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}
