/**
 * The operator console on the stack's loopback port: the page shell, its bundled assets (uPlot
 * from node_modules, no CDN), the JSON API (./api.ts), live updates as server-sent events, and
 * the redrive POST. HEAD is answered like GET, without the body.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { ResumptionStatus } from '../../core/ledger';
import type { ChatlineStore } from '../../core/store';
import { RESUMPTION_STATUSES } from '../../ops/query';
import type { ConsoleApiSources } from './api';
import { answerGet, API_PREFIX, HttpError, parseRedrive, sameOrigin, sendError, sendJson } from './api';

const ASSET_PREFIX = '/_chatline/assets/';
const ASSETS: Record<string, { type: string; file: () => string }> = {
  'uplot.js': { type: 'text/javascript; charset=utf-8', file: () => require.resolve('uplot/dist/uPlot.iife.min.js') },
  'uplot.css': { type: 'text/css; charset=utf-8', file: () => require.resolve('uplot/dist/uPlot.min.css') },
  'console.js': { type: 'text/javascript; charset=utf-8', file: () => join(__dirname, 'assets', 'console.js') },
  'console.css': { type: 'text/css; charset=utf-8', file: () => join(__dirname, 'assets', 'console.css') },
};
const assetCache = new Map<string, Buffer>();

/** The page: a shell; everything shown is built by console.js with textContent (escaped by construction). */
export const CONSOLE_SHELL = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>chatline console</title>
<link rel="stylesheet" href="${ASSET_PREFIX}uplot.css"><link rel="stylesheet" href="${ASSET_PREFIX}console.css">
</head><body>
<header><a class="brand" href="#/">chatline</a>
<nav aria-label="views"><a href="#/">Resumptions</a><a href="#/failures">Failures</a><a href="#/metrics">Metrics</a></nav>
<form id="search" role="search"><label for="q" class="sr">Customer or contact id</label><input id="q" name="q" placeholder="customer or contact id" autocomplete="off"><button>Search</button></form>
<span id="live" aria-live="polite"></span></header>
<main id="view" tabindex="-1"><p>Loading…</p></main>
<noscript>The console needs JavaScript; a plain table view is at <a href="/_chatline/overview">/_chatline/overview</a>.</noscript>
<script src="${ASSET_PREFIX}uplot.js"></script><script src="${ASSET_PREFIX}console.js"></script>
</body></html>`;

function asset(name: string): Buffer | undefined {
  const spec = ASSETS[name];
  if (!spec) return undefined;
  let body = assetCache.get(name);
  if (!body) {
    body = readFileSync(spec.file());
    assetCache.set(name, body);
  }
  return body;
}

/** What changes when the ledger moves: the count of each status. */
async function ledgerFingerprint(store: ChatlineStore): Promise<string> {
  const totals = await Promise.all(RESUMPTION_STATUSES.map((s: ResumptionStatus) => store.pageResumptions({ statuses: [s], limit: 1 }).then((p) => p.total)));
  return totals.join(',');
}

function serveEvents(req: IncomingMessage, res: ServerResponse, store: ChatlineStore, intervalMs: number): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
  let last = '';
  let busy = false;
  const tick = (): void => {
    if (busy) return;
    busy = true;
    ledgerFingerprint(store)
      .then((fp) => {
        if (fp !== last) {
          last = fp;
          const [planned, associated, failed, skipped] = fp.split(',').map(Number);
          res.write(`event: change\ndata: ${JSON.stringify({ planned, associated, failed, skipped, at: new Date().toISOString() })}\n\n`);
        } else res.write(': idle\n\n');
      })
      .catch((err: unknown) => res.write(`event: failure\ndata: ${JSON.stringify({ message: (err as Error).message })}\n\n`))
      .finally(() => (busy = false));
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  req.on('close', () => clearInterval(timer));
}

function readBody(req: IncomingMessage, max = 1 << 20): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) reject(new HttpError(413, 'body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export interface ConsoleRoutesOptions extends ConsoleApiSources {
  /** How often the live-update stream looks at the ledger. @default 1000 */
  readonly liveIntervalMs?: number;
  /** false: a read-only console, the redrive POST answers 403. @default true */
  readonly allowRedrive?: boolean;
}

/** Answers the console's routes; returns false for any other request. */
export function consoleRoutes(opts: ConsoleRoutesOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if (req.headers['x-amz-target'] !== undefined) return false;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const head = req.method === 'HEAD';
    const read = req.method === 'GET' || head;
    if (path === '/' && read) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(CONSOLE_SHELL) });
      res.end(head ? undefined : CONSOLE_SHELL);
      return true;
    }
    if (path.startsWith(ASSET_PREFIX) && read) {
      const body = asset(path.slice(ASSET_PREFIX.length));
      if (!body) return false;
      res.writeHead(200, { 'content-type': ASSETS[path.slice(ASSET_PREFIX.length)]?.type ?? 'application/octet-stream', 'cache-control': 'max-age=60', 'content-length': body.length });
      res.end(head ? undefined : body);
      return true;
    }
    if (!path.startsWith(API_PREFIX)) return false;
    const route = path.slice(API_PREFIX.length);
    if (route === 'overview') return false;
    if (route === 'events' && req.method === 'GET') {
      serveEvents(req, res, opts.store, opts.liveIntervalMs ?? 1000);
      return true;
    }
    if (route === 'redrive') {
      if (req.method !== 'POST') {
        sendError(res, new HttpError(405, 'redrive is a POST'), head);
        return true;
      }
      if (opts.allowRedrive === false) {
        req.resume();
        sendError(res, new HttpError(403, 'this console is read-only: start it with --allow-redrive'), false);
        return true;
      }
      if (!sameOrigin(req)) {
        req.resume();
        sendError(res, new HttpError(403, 'cross-origin redrive refused: send it from the console page'), false);
        return true;
      }
      readBody(req)
        .then(parseRedrive)
        .then((r) => opts.ops().redrive(r))
        .then((results) => sendJson(res, 200, { count: results.length, results }, false))
        .catch((err: unknown) => sendError(res, err, false));
      return true;
    }
    if (!read) return false;
    answerGet(route, url.searchParams, opts).then(
      (data) => sendJson(res, 200, data, head),
      (err: unknown) => sendError(res, err, head),
    );
    return true;
  };
}
