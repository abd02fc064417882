/**
 * The Connect restJson1 routes the simulator answers, with the http traits of
 * @aws-sdk/client-connect 3.1136 (dist-cjs/index.js, the operation table):
 *   CreatePersistentContactAssociation  POST /contact/persistent-contact-association/{InstanceId}/{InitialContactId}
 *   DescribeContact                     GET  /contacts/{InstanceId}/{ContactId}
 *   StartChatContact                    PUT  /contact/chat
 *   StopContact                         POST /contact/stop
 *   TransferContact                     POST /contact/transfer
 *   GetContactAttributes                GET  /contact/attributes/{InstanceId}/{InitialContactId}
 */
import { pathSegments } from './http';
import type { ApiName } from './semantics';

interface RouteDef {
  api: ApiName;
  method: string;
  /** Literal segments, or null for a label. */
  pattern: (string | null)[];
}

const ROUTES: readonly RouteDef[] = [
  { api: 'CreatePersistentContactAssociation', method: 'POST', pattern: ['contact', 'persistent-contact-association', null, null] },
  { api: 'DescribeContact', method: 'GET', pattern: ['contacts', null, null] },
  { api: 'StartChatContact', method: 'PUT', pattern: ['contact', 'chat'] },
  { api: 'StopContact', method: 'POST', pattern: ['contact', 'stop'] },
  { api: 'TransferContact', method: 'POST', pattern: ['contact', 'transfer'] },
  { api: 'GetContactAttributes', method: 'GET', pattern: ['contact', 'attributes', null, null] },
];

export interface RouteMatch {
  api: ApiName;
  /** Percent-decoded labels in path order. */
  labels: string[];
}

export function matchRoute(method: string, path: string): RouteMatch | undefined {
  const segs = pathSegments(path);
  if (!segs) return undefined;
  for (const r of ROUTES) {
    if (r.method !== method || r.pattern.length !== segs.length) continue;
    const labels: string[] = [];
    let ok = true;
    r.pattern.forEach((p, i) => {
      const s = segs[i] ?? '';
      if (p === null) labels.push(s);
      else if (p !== s) ok = false;
    });
    if (ok) return { api: r.api, labels };
  }
  return undefined;
}
