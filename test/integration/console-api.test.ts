/** The console on the local stack's port: the page and its bundled assets, HEAD like GET, the JSON API, the redrive POST's origin check. */
import { request } from 'node:http';
import { runDemo } from '../../cli/demo';
import type { DemoResult } from '../../cli/demo';
import { CONSOLE_SHELL } from '../../local/console/routes';
import { startTestStack } from './local-stack-harness';

describe('operator console (local stack)', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let demo: DemoResult;
  beforeAll(async () => {
    stack = await startTestStack();
    demo = await runDemo(stack);
  }, 60_000);
  afterAll(async () => stack.dispose());

  it('serves the page and uPlot from node_modules (no CDN); HEAD answers like GET without a body', async () => {
    const page = await fetch(`${stack.url}/`);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toBe(CONSOLE_SHELL);
    expect(html).not.toMatch(/https?:\/\//);
    const uplot = await fetch(`${stack.url}/_chatline/assets/uplot.js`);
    expect(uplot.status).toBe(200);
    expect(await uplot.text()).toContain('uPlot');
    for (const path of ['/', '/_chatline/assets/console.js', '/_chatline/api/resumptions?status=ASSOCIATED']) {
      const get = await fetch(`${stack.url}${path}`);
      const body = await get.arrayBuffer();
      const head = await fetch(`${stack.url}${path}`, { method: 'HEAD' });
      expect([head.status, head.headers.get('content-type'), head.headers.get('content-length')]).toEqual([get.status, get.headers.get('content-type'), String(body.byteLength)]);
      expect((await head.arrayBuffer()).byteLength).toBe(0);
    }
  });

  it('lists resumptions with true totals and pages, filters by status and customer, finds the customer', async () => {
    const all = (await (await fetch(`${stack.url}/_chatline/api/resumptions?limit=1`)).json()) as { items: { contactId: string }[]; total: number; next?: string };
    expect(all.total).toBe(2);
    expect(all.items).toHaveLength(1);
    const second = (await (await fetch(`${stack.url}/_chatline/api/resumptions?limit=1&cursor=${encodeURIComponent(all.next as string)}`)).json()) as typeof all;
    expect(second.items[0]?.contactId).not.toBe(all.items[0]?.contactId);
    expect(((await (await fetch(`${stack.url}/_chatline/api/resumptions?status=FAILED`)).json()) as typeof all).total).toBe(0);
    expect(((await (await fetch(`${stack.url}/_chatline/api/resumptions?customer=customer-0001`)).json()) as typeof all).total).toBe(2);
    const bad = await fetch(`${stack.url}/_chatline/api/resumptions?status=NOPE`);
    expect(bad.status).toBe(400);
    // Strict ISO-8601 only: free text, a bare number and a day that does not exist are refused, not guessed.
    for (const since of ['March 7 2021', '1', '2021-02-30T00:00:00Z']) {
      const refused = await fetch(`${stack.url}/_chatline/api/resumptions?since=${encodeURIComponent(since)}`);
      expect(refused.status).toBe(400);
      expect(await refused.text()).toContain('since is not an ISO-8601 timestamp');
    }
    expect((await fetch(`${stack.url}/_chatline/api/resumptions?since=2024-05-01T10:05:00%2B02:00`)).status).toBe(200);
    const hits = (await (await fetch(`${stack.url}/_chatline/api/search?q=${demo.contacts.C3}`)).json()) as { customerId?: string }[];
    expect(hits[0]?.customerId).toBe('customer-0001');
  });

  it('refuses a cross-origin redrive (403) and takes a same-origin dry run', async () => {
    const evil = await fetch(`${stack.url}/_chatline/api/redrive`, { method: 'POST', headers: { origin: 'http://evil.example', 'content-type': 'application/json' }, body: '{"dryRun":true}' });
    expect(evil.status).toBe(403);
    // DNS rebinding: a page of another name resolved to 127.0.0.1 sends its own Host (fetch cannot set Host; node:http can).
    const foreignHost = await new Promise<number>((resolve, reject) => {
      const req = request(`${stack.url}/_chatline/api/redrive`, { method: 'POST', headers: { host: 'evil.example', origin: 'http://evil.example', 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end('{"dryRun":true}');
    });
    expect(foreignHost).toBe(403);
    const own = await fetch(`${stack.url}/_chatline/api/redrive`, { method: 'POST', headers: { origin: stack.url, 'content-type': 'application/json' }, body: '{"dryRun":true}' });
    expect(own.status).toBe(200);
    expect(await own.json()).toEqual({ count: 0, results: [] });
    expect((await fetch(`${stack.url}/_chatline/api/redrive`)).status).toBe(405);
  });

  it('streams a change event when the ledger moves (server-sent events)', async () => {
    const ctl = new AbortController();
    const res = await fetch(`${stack.url}/_chatline/api/events`, { signal: ctl.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toMatch(/^event: change\ndata: \{"planned":0,"associated":2,"failed":0,"skipped":0,/);
    ctl.abort();
  });
});
