/**
 * The ops dashboard of the local stack, on the same loopback server: what happened to every
 * return (the resumption ledger), the lineage of every session, the workflow executions and the
 * rejected events. `GET /_chatline/overview` is a plain table page (server-rendered, no script);
 * `GET /_chatline/api/overview` is the same data as JSON for machines.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BudgetConfig } from '../core/budget';
import { DEFAULT_BUDGET_CONFIG } from '../core/budget';
import type { BudgetStatus } from '../core/budget-view';
import { budgetStatus } from '../core/budget-view';
import type { SessionView } from '../core/lineage-view';
import { sessionsOf } from '../core/lineage-view';
import type { Resumption } from '../core/ledger';
import type { ChatlineStore, RejectedEvent } from '../core/store';
import { LOCAL_REGION } from '../core/constants';
import { OpsQuery } from '../ops/query';
import { consoleRoutes } from './console/routes';
import type { Execution, LocalStepFunctions } from './sfn/runner';

export interface Overview {
  readonly generatedAt: string;
  readonly counts: {
    readonly sessions: number;
    readonly segments: number;
    readonly resumptions: Record<Resumption['status'], number>;
    readonly executions: Record<Execution['status'], number>;
    readonly rejected: number;
  };
  /** The Connect call budget: rate in use, queue, oldest waiting return, throttles in the last minute. */
  readonly budget: BudgetStatus;
  readonly resumptions: Resumption[];
  readonly sessions: SessionView[];
  readonly executions: { name: string; stateMachine: string; status: string; startDate: string; stopDate?: string; error?: string; cause?: string; redriveCount: number }[];
  readonly rejected: RejectedEvent[];
}

const MAX_ROWS = 200;

export async function overview(store: ChatlineStore, sfn: LocalStepFunctions, now: Date = new Date(), budget: BudgetConfig = DEFAULT_BUDGET_CONFIG): Promise<Overview> {
  const [segments, resumptions, rejected, budgetNow] = await Promise.all([store.listSegments(), store.listResumptions(), store.listRejected(), budgetStatus(store, budget, now)]);
  const sessions = sessionsOf(segments);
  // The newest executions, one page from the journal, and the counts it keeps (never every execution).
  const executions = sfn.listExecutions({ limit: MAX_ROWS });
  const executionCounts = sfn.countExecutions();
  const count = <K extends string>(keys: readonly K[], values: readonly string[]): Record<K, number> =>
    Object.fromEntries(keys.map((k) => [k, values.filter((v) => v === k).length])) as Record<K, number>;
  return {
    generatedAt: now.toISOString(),
    counts: {
      sessions: sessions.length,
      segments: segments.length,
      resumptions: count(['PLANNED', 'ASSOCIATED', 'FAILED', 'SKIPPED'] as const, resumptions.map((r) => r.status)),
      executions: Object.fromEntries((['RUNNING', 'SUCCEEDED', 'FAILED', 'ABORTED', 'TIMED_OUT'] as const).map((k) => [k, executionCounts[k] ?? 0])) as Record<Execution['status'], number>,
      rejected: rejected.length,
    },
    budget: budgetNow,
    resumptions: [...resumptions].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt)).slice(0, MAX_ROWS),
    sessions: sessions.slice(-MAX_ROWS),
    executions: executions.map((e) => ({
      name: e.name,
      stateMachine: e.stateMachineArn.split(':').pop() ?? e.stateMachineArn,
      status: e.status,
      startDate: e.startDate.toISOString(),
      redriveCount: e.redriveCount,
      ...(e.stopDate ? { stopDate: e.stopDate.toISOString() } : {}),
      ...(e.error !== undefined ? { error: e.error } : {}),
      ...(e.cause !== undefined ? { cause: e.cause } : {}),
    })),
    rejected: rejected.slice(-MAX_ROWS).reverse(),
  };
}

/** Everything shown comes from events and callers: escape it all. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

function table(caption: string, head: string[], rows: unknown[][]): string {
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.length === 0 ? `<tr><td colspan="${head.length}" class="empty">none yet</td></tr>` : rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('');
  return `<section><h2>${escapeHtml(caption)}</h2><table><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table></section>`;
}

export function renderDashboard(o: Overview): string {
  const c = o.counts;
  const tiles: [string, number][] = [
    ['sessions', c.sessions],
    ['segments', c.segments],
    ['associated', c.resumptions.ASSOCIATED],
    ['planned', c.resumptions.PLANNED],
    ['failed', c.resumptions.FAILED],
    ['skipped', c.resumptions.SKIPPED],
    ['running executions', c.executions.RUNNING],
    ['failed executions', c.executions.FAILED],
    ['rejected events', c.rejected],
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>chatline — local ops</title>
<style>
body{font:14px system-ui,sans-serif;margin:1.5rem;color:#1d2433}h1{font-size:1.3rem}h2{font-size:1.05rem;margin-top:1.6rem}
.tiles{display:flex;flex-wrap:wrap;gap:.6rem}.tile{border:1px solid #d5dae3;border-radius:6px;padding:.5rem .8rem;min-width:7rem}
.tile b{display:block;font-size:1.4rem}table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #e5e8ee;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f6f9}td{font-family:ui-monospace,monospace;font-size:12.5px}.empty{color:#8a93a3;font-family:inherit}
</style></head><body>
<h1>chatline — local ops</h1>
<p>Generated ${escapeHtml(o.generatedAt)}. The live console is at <a href="/">/</a>. JSON: <a href="/_chatline/api/overview">/_chatline/api/overview</a></p>
<div class="tiles">${tiles.map(([label, n]) => `<div class="tile"><b>${n}</b>${escapeHtml(label)}</div>`).join('')}</div>
${table(
  `Connect call budget (${o.budget.enabled ? 'on' : 'off: retry with jitter only'}; ${o.budget.waiting} returns waiting${o.budget.oldestWaiting ? `, the oldest ${o.budget.oldestWaiting.contactId} for ${o.budget.oldestWaiting.seconds} s` : ''})`,
  ['API', 'rate in use /s', 'configured /s', 'queued for a slot', 'next free slot', 'throttles, last minute', 'slots handed out'],
  o.budget.budgets.map((b) => [b.key, b.ratePerSecond, b.configuredRatePerSecond, b.queued, b.nextSlotAt, b.throttlesLastMinute, b.reservations]),
)}
${table(
  'Resumptions (newest first)',
  ['contact', 'status', 'via', 'policy', 'rehydration', 'source', 'continued from', 'attempts', 'reason', 'updated'],
  o.resumptions.map((r) => [r.contactId, r.status, r.via, r.plan?.policy, r.plan?.rehydrationType, r.plan?.sourceContactId, r.continuedFromContactId, r.attempts, r.reason, r.updatedAt]),
)}
${table(
  'Lineage (sessions by initial contact)',
  ['session', 'customer', 'segments (kind)', 'continued from'],
  o.sessions.map((s) => [s.initialContactId, s.customerId, s.segments.map((g) => `${g.contactId} (${g.kind}${g.disconnectedAt ? '' : ', active'})`).join(' → '), s.continuedFrom]),
)}
${table(
  'Executions (newest first)',
  ['state machine', 'name', 'status', 'started', 'stopped', 'error', 'redrives'],
  o.executions.map((e) => [e.stateMachine, e.name, e.status, e.startDate, e.stopDate, e.error ? `${e.error}: ${e.cause ?? ''}` : '', e.redriveCount]),
)}
${table(
  'Rejected events (newest first)',
  ['received', 'origin', 'reason'],
  o.rejected.map((r) => [r.receivedAt, r.origin, r.reason]),
)}
</body></html>`;
}

/** The plain table page (no script) and its JSON; the console (./console/routes.ts) is at `/`. */
export const OVERVIEW_PATH = '/_chatline/overview';

/**
 * Answers the console's routes and the overview's; returns false for any other request. The
 * console's query layer talks to this stack's own Step Functions API, over HTTP with the real SDK
 * client, on the port the request came in on.
 */
export function dashboardHandler(store: ChatlineStore, sfn: LocalStepFunctions, budget: BudgetConfig = DEFAULT_BUDGET_CONFIG, resumeChatArn?: string): (req: IncomingMessage, res: ServerResponse) => boolean {
  let ops: OpsQuery | undefined;
  let port = 0;
  const consoleHandler = consoleRoutes({
    store,
    budget,
    ops: () => {
      if (!ops) {
        if (!resumeChatArn) throw new Error('the console needs the resume-chat state machine ARN');
        const client = new SFNClient({ endpoint: `http://127.0.0.1:${port}`, region: LOCAL_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
        ops = new OpsQuery({ store, sfn: client, resumeChatArn });
      }
      return ops;
    },
  });
  return (req, res) => {
    port ||= req.socket.localPort ?? 0;
    if (consoleHandler(req, res)) return true;
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.headers['x-amz-target'] !== undefined) return false;
    const path = (req.url ?? '').split('?')[0];
    if (path !== OVERVIEW_PATH && path !== '/_chatline/api/overview') return false;
    overview(store, sfn, new Date(), budget).then(
      (o) => {
        const [type, body] = path === OVERVIEW_PATH ? ['text/html; charset=utf-8', renderDashboard(o)] : ['application/json', JSON.stringify(o)];
        res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store', 'content-length': String(Buffer.byteLength(body)) }).end(req.method === 'HEAD' ? undefined : body);
      },
      (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`dashboard: ${(err as Error).message}`),
    );
    return true;
  };
}
