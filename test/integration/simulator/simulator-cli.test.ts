/** runSimulatorCli: flags to options, the printed URL, a working server. */
import { ConnectClient, DescribeContactCommand } from '@aws-sdk/client-connect';
import { runSimulatorCli, type SimulatorCliHandle } from '../../../simulator/main';

let handle: SimulatorCliHandle | undefined;
afterEach(async () => {
  await handle?.close();
  handle = undefined;
});

test('prints the URL and the export line; flags become options', async () => {
  const lines: string[] = [];
  handle = await runSimulatorCli(
    ['--port', '0', '--seed', '3', '--rate', '50', '--burst', '60', '--limit', 'CreatePersistentContactAssociation=2:5', '--fault-5xx', '0.1', '--fault-5xx-apis', 'DescribeContact', '--lost-responses', '1', '--event-drop', '0.2', '--instance', 'i-1'],
    { out: (l) => lines.push(l) },
  );
  expect(handle.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(lines).toContain(`export AWS_ENDPOINT_URL=${handle.url}`);
  expect(handle.sim.rateLimits()).toMatchObject({ DescribeContact: { rate: 50, burst: 60 }, CreatePersistentContactAssociation: { rate: 2, burst: 5 } });
  expect(handle.sim.faults()).toMatchObject({
    error5xxRate: 0.1,
    error5xxApis: ['DescribeContact'],
    lostResponseAfterCommit: { CreatePersistentContactAssociation: 1 },
    events: { dropRate: 0.2 },
  });
  const connect = new ConnectClient({ endpoint: handle.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
  const e = await connect.send(new DescribeContactCommand({ InstanceId: 'i-1', ContactId: 'nope' })).catch((x: { name: string }) => x);
  expect(['ResourceNotFoundException', 'InternalServiceException']).toContain((e as { name: string }).name);
  connect.destroy();
});

test('bad flags throw without starting a server', async () => {
  const errs: string[] = [];
  await expect(runSimulatorCli(['--fault-5xx', '2'], { out: () => undefined, err: (l) => errs.push(l) })).rejects.toThrow();
  await expect(runSimulatorCli(['--limit', 'Nope=1:1'], { out: () => undefined, err: (l) => errs.push(l) })).rejects.toThrow();
  expect(errs.join('\n')).toMatch(/fault-5xx|limit/);
});

test('--traffic with --speed runs generated traffic against the server', async () => {
  const lines: string[] = [];
  handle = await runSimulatorCli(['--port', '0', '--traffic', '3', '--arrival-rate', '100', '--speed', '2000', '--return-p', '0'], { out: (l) => lines.push(l) });
  const report = await handle.traffic;
  expect(report?.sessions).toBe(3);
  expect(report?.errors).toEqual([]);
  expect(lines.some((l) => l.startsWith('traffic done:'))).toBe(true);
});

test('--speed compresses transcript readiness and the traffic, keeps wall-clock timestamps, and says so at /_sim/config', async () => {
  handle = await runSimulatorCli(['--port', '0', '--speed', '4', '--transcript-ready', '8', '--events-endpoint', 'http://127.0.0.1:9'], { out: () => undefined });
  expect(await (await fetch(`${handle.url}/_sim/config`)).json()).toEqual({ speed: 4, transcriptReadySeconds: 8, eventsEndpoint: 'http://127.0.0.1:9' });
  const before = Date.now();
  const { contactId } = await handle.sim.startChat({ instanceId: 'sim-instance', customerId: 'c' });
  const seen = handle.sim.contact('sim-instance', contactId);
  expect(seen?.initiationTimestamp).toBeGreaterThanOrEqual(before);
  expect(seen?.initiationTimestamp).toBeLessThanOrEqual(Date.now());
});

test('traffic durations take min..max seconds and reject anything else', async () => {
  const errs: string[] = [];
  await expect(runSimulatorCli(['--handle-time', '5..2'], { out: () => undefined, err: (l) => errs.push(l) })).rejects.toThrow();
  await expect(runSimulatorCli(['--return-delay', 'soon'], { out: () => undefined, err: (l) => errs.push(l) })).rejects.toThrow();
  expect(errs.join('\n')).toContain('--handle-time takes min..max seconds');
  handle = await runSimulatorCli(['--port', '0', '--traffic', '2', '--arrival-rate', '50', '--accept-delay', '0', '--handle-time', '0.01..0.02', '--survey-time', '0.01', '--return-delay', '0.01..0.02', '--return-p', '1'], { out: () => undefined });
  const report = await handle.traffic;
  expect(report?.returns).toBe(2);
  expect(report?.errors).toEqual([]);
});
