/**
 * RedriveExecution over the wire against an engine that implements `redriveExecution` (a stub
 * with the LocalStepFunctions signature: same ARN, throws 'StepFunctions.ExecutionNotRedrivable'
 * unless FAILED/TIMED_OUT/ABORTED), through the real client-sfn configured by AWS_ENDPOINT_URL.
 */
import { DescribeExecutionCommand, RedriveExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LOCAL_REGION } from '../../core/constants';
import { createAwsRequestHandler } from '../../local/aws-api';
import type { ExecutionView, StepFunctionsBackend } from '../../local/aws-api';
import { TaskError } from '../../local/sfn/task-bindings';
import { stateMachineArn } from '../../local/stack';

const machineArn = stateMachineArn('redrive-stub');
const arnOf = (name: string): string => `${machineArn.replace(':stateMachine:', ':execution:')}:${name}`;

function stubEngine(): StepFunctionsBackend & { executions: Map<string, ExecutionView & { status: string; redriveCount?: number; redriveDate?: Date }> } {
  const executions = new Map<string, ExecutionView & { status: string; redriveCount?: number; redriveDate?: Date }>();
  for (const [name, status] of [['failed', 'FAILED'], ['done', 'SUCCEEDED']] as const) {
    executions.set(arnOf(name), { executionArn: arnOf(name), stateMachineArn: machineArn, name, input: '{}', status, startDate: new Date(), stopDate: new Date(), ...(status === 'FAILED' ? { error: 'Boom', cause: 'boom' } : {}) });
  }
  return {
    executions,
    machineArns: () => [machineArn],
    machine: (arn) => (arn === machineArn ? { name: 'redrive-stub', arn, type: 'STANDARD', definition: {} } : undefined),
    startExecution: () => {
      throw new Error('not used');
    },
    describeExecution: (arn) => executions.get(arn),
    listExecutions: () => [...executions.values()],
    history: () => [],
    stopExecution: () => undefined,
    redriveExecution(arn) {
      const e = executions.get(arn);
      if (!e) throw new TaskError('StepFunctions.ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
      if (!['FAILED', 'TIMED_OUT', 'ABORTED'].includes(e.status)) throw new TaskError('StepFunctions.ExecutionNotRedrivable', `Execution is ${e.status}`);
      e.status = 'RUNNING';
      e.redriveCount = (e.redriveCount ?? 0) + 1;
      e.redriveDate = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
      return e;
    },
  };
}

describe('RedriveExecution through AWS_ENDPOINT_URL', () => {
  const saved = { url: process.env['AWS_ENDPOINT_URL'], region: process.env['AWS_REGION'], id: process.env['AWS_ACCESS_KEY_ID'], secret: process.env['AWS_SECRET_ACCESS_KEY'] };
  const engine = stubEngine();
  const handler = createAwsRequestHandler({ sfn: engine, bus: { busName: 'default', putEvents: async () => ({ Entries: [], FailedEntryCount: 0 }) }, simulator: { handle: async (_q, res) => void res.writeHead(404).end() }, rules: [] });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void handler(req, res, Buffer.concat(chunks)));
  });
  let sfn: SFNClient;

  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    Object.assign(process.env, { AWS_ENDPOINT_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, AWS_REGION: LOCAL_REGION, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
    sfn = new SFNClient({});
  });
  afterAll(async () => {
    sfn.destroy();
    for (const [k, v] of [['AWS_ENDPOINT_URL', saved.url], ['AWS_REGION', saved.region], ['AWS_ACCESS_KEY_ID', saved.id], ['AWS_SECRET_ACCESS_KEY', saved.secret]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('redrives a FAILED execution under the same ARN, replays a repeated clientToken, and maps the engine errors', async () => {
    expect(await sfn.send(new DescribeExecutionCommand({ executionArn: arnOf('failed') }))).toMatchObject({ redriveStatus: 'REDRIVABLE', redriveCount: 0 });
    const first = await sfn.send(new RedriveExecutionCommand({ executionArn: arnOf('failed'), clientToken: 'tok-1' }));
    expect(first.redriveDate?.toISOString()).toBe('2024-01-02T03:04:05.000Z');
    // Same token again: the stored answer, not a second redrive (the execution is RUNNING now).
    expect((await sfn.send(new RedriveExecutionCommand({ executionArn: arnOf('failed'), clientToken: 'tok-1' }))).redriveDate).toEqual(first.redriveDate);
    expect(engine.executions.get(arnOf('failed'))?.redriveCount).toBe(1);
    expect(await sfn.send(new DescribeExecutionCommand({ executionArn: arnOf('failed') }))).toMatchObject({ executionArn: arnOf('failed'), status: 'RUNNING', redriveCount: 1, redriveDate: first.redriveDate });

    for (const [executionArn, name] of [[arnOf('done'), 'ExecutionNotRedrivable'], [arnOf('failed'), 'ExecutionNotRedrivable'], [arnOf('nope'), 'ExecutionDoesNotExist']] as const) {
      const err = (await sfn.send(new RedriveExecutionCommand({ executionArn, clientToken: 'tok-2' })).catch((e: unknown) => e)) as { name: string; $metadata: { httpStatusCode: number } };
      expect({ name: err.name, status: err.$metadata.httpStatusCode }).toEqual({ name, status: 400 });
    }
  });
});
