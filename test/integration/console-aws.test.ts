/**
 * `chatline console --aws` against AWS-compatible local servers, with the real SDK clients: dynalite
 * for DynamoDB (the lineage, ledger and intents of the seed story copied there record by record)
 * and the local stack for Step Functions. It shows the same customer view as the local console.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { runDemo } from '../../cli/demo';
import { DynamoDbStore } from '../../handlers/dynamodb-store';
import type { Dynalite } from '../infra/dynalite';
import { startDynalite } from '../infra/dynalite';
import { startTestStack } from './local-stack-harness';

const BIN = join(__dirname, '..', '..', 'bin', 'chatline.cjs');

describe('chatline console --aws (dynalite + the local Step Functions API)', () => {
  let dynamo: Dynalite;
  beforeAll(async () => (dynamo = await startDynalite()));
  afterAll(async () => dynamo.stop());

  it('serves the same customer view as the local console, read-only without --allow-redrive', async () => {
    const stack = await startTestStack();
    try {
      await runDemo(stack);
      const tables = await dynamo.createTables('console');
      const aws = new DynamoDbStore({ client: dynamo.client, tables });
      for (const s of await stack.store.listSegments()) await aws.putSegment(s, 0);
      for (const r of await stack.store.listResumptions()) {
        await aws.putResumption(r, 0);
        const intent = await stack.store.getIntent(r.instanceId, r.contactId);
        if (intent) await aws.putIntent(intent.value, 0);
      }
      const child = spawn(
        process.execPath,
        [BIN, 'console', '--aws', '--port', '0', '--resume-chat-arn', stack.arns.resumeChat, '--lineage-table', tables.lineage, '--ledger-table', tables.ledger, '--budget-table', tables.budget, '--events-table', tables.events],
        {
          env: { ...process.env, AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint, AWS_ENDPOINT_URL_SFN: stack.url, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      try {
        const url = await new Promise<string>((resolve, reject) => {
          let out = '';
          child.stdout.on('data', (c: Buffer) => {
            out += c.toString();
            const m = /read-only\): (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
            if (m) resolve(m[1] as string);
          });
          child.once('exit', (code) => reject(new Error(`chatline console exited ${code}: ${out}`)));
        });
        const path = '/_chatline/api/customer?id=customer-0001';
        const local = (await (await fetch(`${stack.url}${path}`)).json()) as { sessions: unknown[] };
        const remote = await (await fetch(`${url}${path}`)).json();
        expect(local.sessions).toHaveLength(3);
        expect(remote).toEqual(local);
        const redrive = await fetch(`${url}/_chatline/api/redrive`, { method: 'POST', headers: { origin: url, 'content-type': 'application/json' }, body: '{"dryRun":true}' });
        expect(redrive.status).toBe(403);
      } finally {
        child.kill('SIGTERM');
      }
    } finally {
      await stack.dispose();
    }
  }, 90_000);
});
