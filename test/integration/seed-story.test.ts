/**
 * Issue 2 acceptance: the seed's two use cases end to end, checked against the simulator's own
 * view (DescribeContact through the real Connect client, and the /_sim transcript route), never
 * against what chatline claims.
 */
import { ConnectClient, DescribeContactCommand } from '@aws-sdk/client-connect';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runDemo } from '../../cli/demo';
import { startTestStack } from './local-stack-harness';
import { freePort, startChatline } from './process-harness';

describe('the seed story on the local stack', () => {
  it('resumes Use Case 1 from C2 and Use Case 2 from C3, as the simulator sees it', async () => {
    const stack = await startTestStack();
    try {
      const { instanceId, contacts, useCases } = await runDemo(stack);
      const { C1, C2, C3 } = contacts;
      const connect = new ConnectClient({ endpoint: stack.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
      const seen = async (contactId: string) => {
        const { Contact } = await connect.send(new DescribeContactCommand({ InstanceId: instanceId, ContactId: contactId }));
        const transcript = (await (await fetch(`${stack.url}/_sim/contacts/${instanceId}/${contactId}/transcript`)).json()) as { visibleTranscript: string[] };
        return { related: Contact?.RelatedContactId, transcript: transcript.visibleTranscript };
      };
      const [n1, n2] = useCases;
      expect(await seen(n1!.contactId)).toEqual({ related: C2, transcript: [C2, C1] });
      expect(await seen(n2!.contactId)).toEqual({ related: C3, transcript: [C3, C2, C1] });
      const { Contact: c3 } = await connect.send(new DescribeContactCommand({ InstanceId: instanceId, ContactId: C3 }));
      expect(c3).toMatchObject({ InitiationMethod: 'DISCONNECT', PreviousContactId: C2, InitialContactId: C1 });
      expect(stack.simulator.stats().associationsByContact).toEqual({ [n1!.contactId]: 1, [n2!.contactId]: 1 });
      expect(useCases.map((u) => [u.rehydrationType, u.sourceContactId, u.asExpected])).toEqual([
        ['FROM_SEGMENT', C2, true],
        ['ENTIRE_PAST_SESSION', C1, true],
      ]);
    } finally {
      await stack.dispose();
    }
  });

  it('`chatline demo --json` exits 0 with both use cases as expected', async () => {
    const bin = join(__dirname, '..', '..', 'bin', 'chatline.cjs');
    const { stdout } = await promisify(execFile)(process.execPath, [bin, 'demo', '--json'], { timeout: 60_000 });
    const out = JSON.parse(stdout) as { contacts: Record<string, string>; useCases: { useCase: number; rehydrationType: string; sourceContactId: string; continuedFromContactId: string; visibleTranscript: string[]; asExpected: boolean }[] };
    const { C1, C2, C3 } = out.contacts;
    expect(out.useCases).toEqual([
      { useCase: 1, rehydrationType: 'FROM_SEGMENT', sourceContactId: C2, continuedFromContactId: C2, visibleTranscript: [C2, C1], asExpected: true },
      { useCase: 2, rehydrationType: 'ENTIRE_PAST_SESSION', sourceContactId: C1, continuedFromContactId: C3, visibleTranscript: [C3, C2, C1], asExpected: true },
    ]);
  });
});

describe('`chatline dev` (what npm start runs)', () => {
  it('plays both use cases as expected, and again when restarted on the same SQLite file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatline-dev-'));
    try {
      for (let run = 1; run <= 2; run++) {
        const dev = await startChatline(['dev', '--port', String(await freePort()), '--db', join(dir, 'chatline.db')], /Both use cases as expected\.|NOT as expected/, 60_000);
        const out = dev.output();
        dev.process.kill('SIGTERM');
        expect(await dev.exited).toBe(0);
        expect(out).toContain('Both use cases as expected.');
        expect(out).toMatch(/export AWS_ENDPOINT_URL=http:\/\/127\.0\.0\.1:\d+/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
