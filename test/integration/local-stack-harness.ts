/** A local stack on a temporary SQLite file, with timings compressed for tests. */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SFNClient } from '@aws-sdk/client-sfn';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_REGION } from '../../core/constants';
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

/** A test stack and the real EventBridge and Step Functions clients on its endpoint (one attempt each). */
export async function startTestStackWithClients(overrides: Partial<LocalStackOptions> = {}): Promise<{
  stack: Awaited<ReturnType<typeof startTestStack>>;
  events: EventBridgeClient;
  sfn: SFNClient;
  dispose(): Promise<void>;
}> {
  const stack = await startTestStack(overrides);
  const config = { endpoint: stack.url, region: LOCAL_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 };
  const events = new EventBridgeClient(config);
  const sfn = new SFNClient(config);
  return {
    stack,
    events,
    sfn,
    dispose: async () => {
      events.destroy();
      sfn.destroy();
      await stack.dispose();
    },
  };
}
