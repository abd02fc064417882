/**
 * Does the simulator's token bucket hold the configured rate? Hammers one API through the real SDK
 * (no SDK retries) with a fixed concurrency for a while, and prints achieved/configured, where
 * achieved = (successes - burst) / seconds (the initial bucket is the burst, spent at once).
 *
 *   npx tsx bench/simulator-throttle.ts [--api DescribeContact] [--rate 10] [--burst 15] [--seconds 20] [--concurrency 16]
 *
 * Acceptance (issue 3): the ratio is within 5% of 1.0 over a 20 s burst.
 */
import { ConnectClient, DescribeContactCommand, CreatePersistentContactAssociationCommand } from '@aws-sdk/client-connect';
import { ConnectSimulator, DEFAULT_RATE_LIMITS } from '../simulator';

type BenchApi = 'DescribeContact' | 'CreatePersistentContactAssociation';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : undefined;
  return v ?? fallback;
}

async function main(): Promise<void> {
  const api = arg('api', 'DescribeContact') as BenchApi;
  if (api !== 'DescribeContact' && api !== 'CreatePersistentContactAssociation') throw new Error('--api DescribeContact | CreatePersistentContactAssociation');
  const rate = Number(arg('rate', String(DEFAULT_RATE_LIMITS[api].rate)));
  const burst = Number(arg('burst', String(DEFAULT_RATE_LIMITS[api].burst)));
  const seconds = Number(arg('seconds', '20'));
  const concurrency = Number(arg('concurrency', '16'));

  const sim = new ConnectSimulator({ rateLimits: { [api]: { rate, burst } }, transcriptReadySeconds: 0 });
  const url = await sim.listen(0);
  const instanceId = 'bench';
  const { contactId } = await sim.startChat({ instanceId });
  await sim.endContact(instanceId, contactId);
  const connect = new ConnectClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
  // CPCA: the same ClientToken replays the 200, so every successful call costs a token but no new chat.
  const { contactId: current } = await sim.startChat({ instanceId });
  const send = (): Promise<unknown> =>
    api === 'DescribeContact'
      ? connect.send(new DescribeContactCommand({ InstanceId: instanceId, ContactId: contactId }))
      : connect.send(new CreatePersistentContactAssociationCommand({ InstanceId: instanceId, InitialContactId: current, RehydrationType: 'FROM_SEGMENT', SourceContactId: contactId, ClientToken: 'bench' }));

  let ok = 0;
  let throttled = 0;
  let other = 0;
  const start = Date.now();
  const end = start + seconds * 1000;
  const worker = async (): Promise<void> => {
    while (Date.now() < end) {
      try {
        await send();
        if (Date.now() <= end) ok++;
      } catch (e) {
        if ((e as { name?: string }).name === 'ThrottlingException') throttled++;
        else other++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (Date.now() - start) / 1000;
  connect.destroy();
  await sim.close();
  const achieved = (ok - burst) / seconds;
  const ratio = achieved / rate;
  const result = {
    api,
    configured: { rate, burst },
    seconds,
    elapsed: Number(elapsed.toFixed(2)),
    concurrency,
    succeeded: ok,
    throttled,
    otherErrors: other,
    achievedRate: Number(achieved.toFixed(3)),
    ratio: Number(ratio.toFixed(4)),
    withinFivePercent: Math.abs(ratio - 1) <= 0.05,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.stdout.write(`achieved/configured = ${result.ratio} (${result.withinFivePercent ? 'within' : 'NOT within'} 5%)\n`);
  if (!result.withinFivePercent) process.exitCode = 1;
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
