/**
 * Issue 10 acceptance: a burst of returns against Connect's CreatePersistentContactAssociation
 * quota (the documented 5/s burst 8, both scaled ×4 to 20/s burst 32 so the test is short: a Wait
 * Timestamp is read to the second, so a second's slots go together and must fit the burst), with real
 * retry timing. The app events go in with the real EventBridge client over HTTP, the executions
 * are read with the real Step Functions client, the store is a real SQLite file.
 *
 * With the budget (the default, 80% of the quota) the burst drains with 0 failed executions,
 * 0 duplicate associations and throttled calls <= 5% of the returns. The same burst with the
 * budget off (retry with jitter only) is throttled far more than that: the second test shows the
 * first test's throttle assertion fails without the budget.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DEFAULT_BUDGET_CONFIG, withHeadroom } from '../../core/budget';
import { LOCAL_REGION } from '../../core/constants';
import { customerReturnedEntries, returningCustomers } from '../../simulator/scenarios';
import { startTestStack } from './local-stack-harness';

const RETURNS = 60;
/** `BURST_TEST_BUDGET=off` runs the first test without the budget, to watch its assertions fail. */
const FIRST_TEST_BUDGET = process.env['BURST_TEST_BUDGET'] !== 'off';
const SCALE = 4;
const QUOTA = { ratePerSecond: 5 * SCALE, burst: 8 * SCALE };

interface BurstResult {
  readonly returns: number;
  readonly statuses: Record<string, number>;
  readonly outcomes: Record<string, number>;
  readonly duplicates: number;
  readonly throttled: number;
}

async function burst(budgetOn: boolean): Promise<BurstResult> {
  const stack = await startTestStack({
    retryTimeScale: 1,
    simulator: { transcriptReadySeconds: 0, rateLimits: { CreatePersistentContactAssociation: { rate: QUOTA.ratePerSecond, burst: QUOTA.burst } } },
    budget: { ...DEFAULT_BUDGET_CONFIG, enabled: budgetOn, association: withHeadroom(QUOTA, 0.2) },
  });
  const clientConfig = { endpoint: stack.url, region: LOCAL_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  const events = new EventBridgeClient(clientConfig);
  const sfn = new SFNClient(clientConfig);
  try {
    // Prepare: RETURNS customers with an ended past chat, each now back in a new chat.
    const sim = stack.simulator;
    const instanceId = sim.createInstance();
    const pairs = await returningCustomers(sim, instanceId, RETURNS);
    await stack.waitForIdle();

    // Act: every return at once, through the EventBridge API.
    const entries = customerReturnedEntries(instanceId, pairs);
    const put = [];
    for (let i = 0; i < entries.length; i += 10) put.push(events.send(new PutEventsCommand({ Entries: entries.slice(i, i + 10) })));
    for (const out of await Promise.all(put)) expect(out.FailedEntryCount).toBe(0);
    await stack.waitForIdle();

    // What happened, as an operator sees it.
    const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: stack.arns.resumeChat, maxResults: 1000 }));
    const statuses: Record<string, number> = {};
    for (const e of listed.executions ?? []) statuses[String(e.status)] = (statuses[String(e.status)] ?? 0) + 1;
    const outcomes: Record<string, number> = {};
    for (const r of await stack.store.listResumptions()) outcomes[r.status] = (outcomes[r.status] ?? 0) + 1;
    const stats = sim.stats();
    return {
      returns: RETURNS,
      statuses,
      outcomes,
      duplicates: Object.values(stats.associationsByContact).filter((n) => n > 1).length,
      throttled: stats.apis.CreatePersistentContactAssociation.throttled,
    };
  } finally {
    events.destroy();
    sfn.destroy();
    await stack.dispose();
  }
}

it(`with the budget, ${RETURNS} simultaneous returns all associate: 0 failed, 0 duplicates, throttled <= 5%`, async () => {
  const r = await burst(FIRST_TEST_BUDGET);
  expect(r.statuses).toEqual({ SUCCEEDED: RETURNS });
  expect(r.outcomes).toEqual({ ASSOCIATED: RETURNS });
  expect(r.duplicates).toBe(0);
  expect(r.throttled).toBeLessThanOrEqual(0.05 * RETURNS);
}, 60_000);

it('without the budget (retry with jitter only), the same burst is throttled far beyond 5% of the returns', async () => {
  const r = await burst(false);
  expect(r.duplicates).toBe(0);
  expect(r.throttled).toBeGreaterThan(0.05 * RETURNS);
}, 90_000);
