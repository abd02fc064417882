/** Small HTTP helpers shared by the Connect routes and the /_sim control routes. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConnectError } from './errors';

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, requestId: string): void {
  const text = JSON.stringify(body ?? {});
  if (res.headersSent || res.writableEnded) return;
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-RequestId': requestId,
  });
  res.end(text);
}

/** AWS restJson1 error: status, `x-amzn-ErrorType`, `x-amzn-RequestId`, `{"message": ...}`. */
export function sendError(res: ServerResponse, err: ConnectError, requestId: string): void {
  const text = JSON.stringify({ message: err.message });
  if (res.headersSent || res.writableEnded) return;
  res.writeHead(err.status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-ErrorType': err.code,
    'x-amzn-RequestId': requestId,
  });
  res.end(text);
}

/** Parse a JSON object body; empty body is `{}`. Anything else is a SerializationException. */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ConnectError('SerializationException', 'The request body is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConnectError('SerializationException', 'The request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/** Split a path into percent-decoded segments (labels are percent-encoded by the SDK, `/` as %2F). */
export function pathSegments(rawPath: string): string[] | undefined {
  const segs = rawPath.split('/').slice(1);
  try {
    return segs.map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}
