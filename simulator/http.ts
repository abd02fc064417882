/** Small HTTP helpers shared by the Connect routes and the /_sim control routes. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeUtf8, JsonInputError, parseJsonInput } from '../core/json-input';
import { readBoundedBody } from '../local/aws-api/wire';
import { ConnectError } from './errors';

/** Connect's request bodies are small (ids, a token, attributes); anything past this is refused unread. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** The body, or a 413 ConnectError once it passes `limit` bytes (nothing more is buffered). */
export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const body = await readBoundedBody(req, limit);
  if (body === undefined) throw new ConnectError('RequestEntityTooLargeException', `Request body larger than ${limit} bytes`, 413);
  return body;
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

/** A JSON body (strict UTF-8, bounded depth, no prototype keys); empty is `{}`. Anything else is a SerializationException. */
export function parseJsonValue(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    return parseJsonInput(decodeUtf8(body));
  } catch (e) {
    throw new ConnectError('SerializationException', e instanceof JsonInputError && !e.reason.startsWith('not JSON') ? `The request body is not valid: ${e.reason}` : 'The request body is not valid JSON');
  }
}

/** A JSON object body, as parseJsonValue reads it. */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  const parsed = parseJsonValue(body);
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
