/**
 * The operator console's JSON API over the ops query layer (ops/query.ts): every figure the page
 * shows comes from there. Routes (GET and HEAD unless said):
 *   /_chatline/api/resumptions?status=FAILED,PLANNED&since=ISO&customer=ID&cursor=C&limit=N
 *   /_chatline/api/search?q=TERM            customer id or any contact id
 *   /_chatline/api/customer?id=ID           sessions, segments, continuation edges, returns
 *   /_chatline/api/resumption?instance=I&contact=C   plan, attempts, waits, history
 *   /_chatline/api/failures?since=ISO       grouped by reason, in plain words
 *   /_chatline/api/metrics?minutes=N        per minute, and the Connect call budget
 *   /_chatline/api/events                   server-sent events: "change" when the ledger moves
 *   POST /_chatline/api/redrive             {contacts?:[{instanceId,contactId}], reason?, since?, dryRun?}
 * The redrive POST is refused (403) unless Origin (when sent) names the Host it was sent to.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BudgetConfig } from '../../core/budget';
import { budgetStatus } from '../../core/budget-view';
import type { ResumptionStatus } from '../../core/ledger';
import { parseIsoInstant } from '../../core/schemas';
import type { ChatlineStore } from '../../core/store';
import type { OpsQuery } from '../../ops/query';
import { RESUMPTION_STATUSES } from '../../ops/query';

export const API_PREFIX = '/_chatline/api/';

export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ConsoleApiSources {
  readonly ops: () => OpsQuery;
  readonly store: ChatlineStore;
  readonly budget: BudgetConfig;
}

function statusesOf(raw: string | null): ResumptionStatus[] | undefined {
  if (!raw) return undefined;
  const wanted = raw.split(',').filter((s) => s !== '');
  for (const s of wanted) if (!RESUMPTION_STATUSES.includes(s as ResumptionStatus)) throw new HttpError(400, `unknown status ${s}: one of ${RESUMPTION_STATUSES.join(', ')}`);
  return wanted as ResumptionStatus[];
}

/** Strict ISO-8601 only (parseIsoInstant): "March 7 2021", "1" or 2021-02-30 are refused, never guessed. */
function isoOf(raw: string | null, name: string): string | undefined {
  if (!raw) return undefined;
  const ms = parseIsoInstant(raw);
  if (ms === undefined) throw new HttpError(400, `${name} is not an ISO-8601 timestamp between 1970 and 2100 (e.g. 2024-05-01T10:05:00Z): ${raw}`);
  return new Date(ms).toISOString();
}

function required(q: URLSearchParams, name: string): string {
  const v = q.get(name);
  if (!v) throw new HttpError(400, `missing ${name}`);
  return v;
}

/** A POST that changes state must come from this page: Origin, when present, must be this Host. */
export function sameOrigin(req: IncomingMessage): boolean {
  const host = req.headers.host;
  const origin = req.headers.origin;
  if (!host || !/^(127\.0\.0\.1|localhost)(:\d+)?$/.test(host)) return false;
  if (origin === undefined) return req.headers['sec-fetch-site'] === undefined || req.headers['sec-fetch-site'] === 'same-origin';
  return origin === `http://${host}`;
}

/** The answer to one GET route, as JSON-able data. */
export async function answerGet(route: string, q: URLSearchParams, src: ConsoleApiSources): Promise<unknown> {
  const ops = src.ops();
  switch (route) {
    case 'resumptions': {
      const statuses = statusesOf(q.get('status'));
      const since = isoOf(q.get('since'), 'since');
      const customerId = q.get('customer') || undefined;
      const cursor = q.get('cursor') || undefined;
      const limit = q.get('limit') ? Number(q.get('limit')) : 25;
      return ops.resumptions({ ...(statuses ? { statuses } : {}), ...(since ? { since } : {}), ...(customerId ? { customerId } : {}), ...(cursor ? { cursor } : {}), limit });
    }
    case 'search':
      return ops.search(required(q, 'q'));
    case 'customer':
      return ops.customerWithOutcomes(required(q, 'id'));
    case 'resumption': {
      const view = await ops.resumption(required(q, 'instance'), required(q, 'contact'));
      if (!view) throw new HttpError(404, 'no resumption for that contact');
      return view;
    }
    case 'failures': {
      const since = isoOf(q.get('since'), 'since');
      return ops.failures(since ? { since } : {});
    }
    case 'metrics': {
      const minutes = Math.max(5, Math.min(24 * 60, Number(q.get('minutes') ?? 60) || 60));
      const to = new Date();
      const [metrics, budget] = await Promise.all([ops.metrics({ from: new Date(to.getTime() - minutes * 60_000).toISOString(), to: to.toISOString() }), budgetStatus(src.store, src.budget, to)]);
      return { ...metrics, budget };
    }
    default:
      throw new HttpError(404, `no such route: ${route}`);
  }
}

export interface RedriveRequest {
  readonly contacts?: { instanceId: string; contactId: string }[];
  readonly reason?: string;
  readonly since?: string;
  readonly dryRun?: boolean;
}

export function parseRedrive(body: string): RedriveRequest {
  let raw: unknown;
  try {
    raw = JSON.parse(body || '{}');
  } catch {
    throw new HttpError(400, 'the body is not JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new HttpError(400, 'the body must be an object');
  const r = raw as Record<string, unknown>;
  const contacts = r['contacts'];
  if (contacts !== undefined && (!Array.isArray(contacts) || !contacts.every((c) => typeof c?.instanceId === 'string' && typeof c?.contactId === 'string'))) throw new HttpError(400, 'contacts: [{instanceId, contactId}]');
  if (r['reason'] !== undefined && typeof r['reason'] !== 'string') throw new HttpError(400, 'reason must be a string');
  const since = isoOf(typeof r['since'] === 'string' ? r['since'] : null, 'since');
  return {
    ...(contacts ? { contacts: contacts as { instanceId: string; contactId: string }[] } : {}),
    ...(typeof r['reason'] === 'string' ? { reason: r['reason'] } : {}),
    ...(since ? { since } : {}),
    dryRun: r['dryRun'] === true,
  };
}

export function sendJson(res: ServerResponse, status: number, data: unknown, head: boolean): void {
  const body = JSON.stringify(data);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
  res.end(head ? undefined : body);
}

export function sendError(res: ServerResponse, err: unknown, head: boolean): void {
  const status = err instanceof HttpError ? err.status : 500;
  sendJson(res, status, { error: (err as Error).name, message: (err as Error).message }, head);
}
