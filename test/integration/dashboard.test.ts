/** The local ops dashboard: the page and its JSON show the ledger, the lineage, the executions and the rejected events. */
import { runDemo } from '../../cli/demo';
import type { Overview } from '../../local/dashboard';
import { escapeHtml } from '../../local/dashboard';
import { startTestStack } from './local-stack-harness';

describe('ops dashboard', () => {
  it('shows both resumptions, the C1 → C2 → C3 lineage and the executions after the seed story, as a page and as JSON', async () => {
    const stack = await startTestStack();
    try {
      const { contacts, useCases } = await runDemo(stack);
      const json = (await (await fetch(`${stack.url}/_chatline/api/overview`)).json()) as Overview;
      expect(json.counts.resumptions).toEqual({ PLANNED: 0, ASSOCIATED: 2, FAILED: 0, SKIPPED: 0 });
      expect(json.counts.executions.RUNNING).toBe(0);
      expect(json.counts.executions.SUCCEEDED).toBe(json.executions.length);
      const past = json.sessions.find((s) => s.initialContactId === contacts.C1);
      expect(past?.segments.map((g) => [g.contactId, g.kind])).toEqual([
        [contacts.C1, 'initial'],
        [contacts.C2, 'transfer'],
        [contacts.C3, 'survey'],
      ]);
      expect(json.sessions.filter((s) => s.continuedFrom).map((s) => [s.initialContactId, s.continuedFrom]).sort()).toEqual(
        [
          [useCases[0]!.contactId, contacts.C2],
          [useCases[1]!.contactId, contacts.C3],
        ].sort(),
      );

      const res = await fetch(`${stack.url}/_chatline/overview`);
      expect(res.headers.get('content-type')).toContain('text/html');
      const page = await res.text();
      expect(page.match(/<td>ASSOCIATED<\/td>/g)).toHaveLength(2);
      expect(page).toContain(`${contacts.C1} (initial) → ${contacts.C2} (transfer) → ${contacts.C3} (survey)`);
      expect(page).toContain('chatline-resume-chat');

      // The budget: both associations took a slot; nothing waits, nothing was throttled.
      expect(json.budget).toMatchObject({ enabled: true, waiting: 0 });
      expect(json.budget.oldestWaiting).toBeUndefined();
      expect(json.budget.budgets.map((b) => [b.key, b.configuredRatePerSecond, b.reservations, b.queued, b.throttlesLastMinute])).toEqual([
        ['CreatePersistentContactAssociation', 4, 2, 0, 0],
        ['DescribeContact', 8, 0, 0, 0],
      ]);
      expect(page).toContain('Connect call budget (on; 0 returns waiting)');
    } finally {
      await stack.dispose();
    }
  });

  it('escapes what events carry: a rejected event cannot inject markup', async () => {
    const stack = await startTestStack();
    try {
      await stack.store.putRejected({ receivedAt: '2026-01-01T00:00:00.000Z', reason: '<script>alert(1)</script>', event: {}, origin: '<b>x</b>' });
      const page = await (await fetch(`${stack.url}/_chatline/overview`)).text();
      expect(page).not.toContain('<script>alert(1)</script>');
      expect(page).toContain(escapeHtml('<script>alert(1)</script>'));
      expect(page).toContain('&lt;b&gt;x&lt;/b&gt;');
      expect(page).toMatch(/<b>1<\/b>rejected events/);
    } finally {
      await stack.dispose();
    }
  });

  it('leaves every other request to the AWS APIs and the simulator', async () => {
    const stack = await startTestStack();
    try {
      const res = await fetch(`${stack.url}/_sim/stats`);
      expect(res.status).toBe(200);
      expect(await res.json()).toHaveProperty('apis');
    } finally {
      await stack.dispose();
    }
  });
});
