/**
 * The console on its own port (what `chatline console --aws` serves), over a store and a Step
 * Functions endpoint it is given: the same customer view as the stack's own console for the same
 * events, read-only unless redrive is allowed.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { LOCAL_REGION } from '../../core/constants';
import { runDemo } from '../../cli/demo';
import { serveConsole } from '../../local/console/server';
import { startTestStack } from './local-stack-harness';

describe('console server on its own port', () => {
  it('shows the same customer view as the stack console, and refuses redrive when read-only', async () => {
    const stack = await startTestStack();
    const sfn = new SFNClient({ endpoint: stack.url, region: LOCAL_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const server = await serveConsole({ store: stack.store, sfn, resumeChatArn: stack.arns.resumeChat, port: 0, allowRedrive: false });
    try {
      await runDemo(stack);
      const path = '/_chatline/api/customer?id=customer-0001';
      const own = await (await fetch(`${stack.url}${path}`)).json();
      const separate = await (await fetch(`${server.url}${path}`)).json();
      expect((own as { sessions: unknown[] }).sessions).toHaveLength(3);
      expect(separate).toEqual(own);
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const redrive = await fetch(`${server.url}/_chatline/api/redrive`, { method: 'POST', headers: { origin: server.url, 'content-type': 'application/json' }, body: '{"dryRun":true}' });
      expect(redrive.status).toBe(403);
      expect(((await redrive.json()) as { message: string }).message).toContain('--allow-redrive');
      expect((await fetch(`${server.url}/elsewhere`)).status).toBe(404);
    } finally {
      await server.close();
      sfn.destroy();
      await stack.dispose();
    }
  });
});
