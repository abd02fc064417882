/**
 * The AWS JSON wire format (awsJson1_0 for Step Functions, awsJson1_1 for EventBridge), as the
 * SDK's protocol code reads it (@smithy/core protocols, loadJsonRpcErrorCode): the error code is
 * taken from the body's `__type` first (namespace before `#` and anything after `:` stripped),
 * then `code`, then the `x-amzn-ErrorType` header; `message`/`Message` becomes the error message;
 * `x-amzn-RequestId` becomes `$metadata.requestId`. Timestamps are epoch-second numbers.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeUtf8, JsonInputError, parseJsonInput } from '../../core/json-input';

export type JsonVersion = '1.0' | '1.1';

/** An error answered in the AWS JSON shape: HTTP status (400 by default) and `{"__type", "message"}`. */
export class AwsApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = 400,
  ) {
    super(message);
    this.name = code;
  }
}

export const serializationError = (message: string): AwsApiError => new AwsApiError('SerializationException', message);

/** "1 validation error detected: Value 'x' at 'member' failed to satisfy constraint: ...", as AWS words it. */
export function validationError(member: string, value: unknown, constraint: string): AwsApiError {
  const shown = typeof value === 'string' ? value : JSON.stringify(value);
  return new AwsApiError('ValidationException', `1 validation error detected: Value '${shown}' at '${member}' failed to satisfy constraint: ${constraint}`);
}

export function sendAwsJson(res: ServerResponse, version: JsonVersion, status: number, body: unknown, extraHeaders: Record<string, string> = {}): void {
  const text = JSON.stringify(body ?? {});
  res.writeHead(status, {
    'content-type': `application/x-amz-json-${version}`,
    'content-length': String(Buffer.byteLength(text)),
    'x-amzn-requestid': randomUUID(),
    ...extraHeaders,
  });
  res.end(text);
}

export function sendAwsError(res: ServerResponse, version: JsonVersion, err: AwsApiError): void {
  sendAwsJson(res, version, err.status, { __type: err.code, message: err.message }, { 'x-amzn-errortype': err.code });
}

/**
 * The largest request body read. Step Functions input and the PutEvents entries are each capped
 * at 256 KB of payload (API references), which JSON-escaping as a string member can blow up to
 * six times; anything larger is refused before it is buffered.
 */
export const MAX_REQUEST_BYTES = 2 * 1024 * 1024;

/** A body over `limit` bytes: answered 413 without being buffered further. */
export const requestTooLarge = (limit: number): AwsApiError =>
  new AwsApiError('RequestEntityTooLargeException', `Request body larger than ${limit} bytes`, 413);

/** The request's body, or undefined once it passes `limit` bytes (the rest is read and dropped). */
export function readBoundedBody(req: IncomingMessage, limit = MAX_REQUEST_BYTES): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** JSON text from outside, bounded (depth, forbidden keys) as core/json-input says; a problem is `toError(reason)`. */
export function parseBoundedJson(text: string, toError: (reason: string) => AwsApiError): unknown {
  try {
    return parseJsonInput(text);
  } catch (e) {
    throw e instanceof JsonInputError ? toError(e.reason) : e;
  }
}

/** The request body as a JSON object (strict UTF-8, bounded depth, no prototype keys); an empty body is `{}`. */
export function parseBody(body: Buffer): Record<string, unknown> {
  let text: string;
  try {
    text = decodeUtf8(body).trim();
  } catch (e) {
    throw serializationError(`Malformed request body: ${(e as Error).message}`);
  }
  if (text === '') return {};
  const value = parseBoundedJson(text, (reason) => serializationError(`Malformed request body: ${reason}`));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw serializationError('Malformed request body: expected a JSON object');
  return value as Record<string, unknown>;
}

/** Typed member readers: a wrong JSON type is a SerializationException, as the AWS front end answers it. */
export const read = {
  string(req: Record<string, unknown>, member: string): string | undefined {
    const v = req[member];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw serializationError(`Member '${member}' must be a string`);
    return v;
  },
  requiredString(req: Record<string, unknown>, member: string): string {
    const v = read.string(req, member);
    if (v === undefined) throw validationError(member, null, 'Member must not be null');
    return v;
  },
  number(req: Record<string, unknown>, member: string): number | undefined {
    const v = req[member];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw serializationError(`Member '${member}' must be a number`);
    return v;
  },
  boolean(req: Record<string, unknown>, member: string): boolean | undefined {
    const v = req[member];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') throw serializationError(`Member '${member}' must be a boolean`);
    return v;
  },
  array(req: Record<string, unknown>, member: string): unknown[] | undefined {
    const v = req[member];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) throw serializationError(`Member '${member}' must be a list`);
    return v;
  },
};

/** An integer page size in [min, max]; `fallback` when absent (or 0, where AWS reads 0 as the default). */
export function pageSize(req: Record<string, unknown>, member: string, range: { min: number; max: number; fallback: number; zeroIsDefault?: boolean }): number {
  const v = read.number(req, member);
  if (v === undefined || (v === 0 && range.zeroIsDefault)) return range.fallback;
  if (!Number.isInteger(v)) throw serializationError(`Member '${member}' must be an integer`);
  if (v < range.min) throw validationError(member, v, `Member must have value greater than or equal to ${range.min}`);
  if (v > range.max) throw validationError(member, v, `Member must have value less than or equal to ${range.max}`);
  return v;
}

/** Epoch seconds (with milliseconds) for awsJson timestamps. */
export const epochSeconds = (d: Date | string | number): number => new Date(d).getTime() / 1000;

/** Opaque pagination tokens: a cursor bound to the request it came from. */
export function encodeToken(scope: string, cursor: unknown): string {
  return Buffer.from(JSON.stringify({ s: scope, c: cursor })).toString('base64url');
}

export function decodeToken<T>(token: string, scope: string): T | undefined {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { s?: unknown; c?: unknown };
    return v && v.s === scope && v.c !== undefined ? (v.c as T) : undefined;
  } catch {
    return undefined;
  }
}
