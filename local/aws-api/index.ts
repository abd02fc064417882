/**
 * One loopback endpoint for every AWS protocol the app speaks, so SDK clients work unchanged
 * with just `AWS_ENDPOINT_URL`: requests are routed by `X-Amz-Target` —
 *   AWSStepFunctions.<Op> → Step Functions (awsJson1_0, application/x-amz-json-1.0)
 *   AWSEvents.<Op>        → EventBridge   (awsJson1_1, application/x-amz-json-1.1)
 *   another target        → UnknownOperationException (this endpoint does not speak that service)
 *   no target             → the Connect simulator (restJson1 routes and /_sim/*)
 * Errors are HTTP 400 (500 for internal failures) with `{"__type": code, "message"}`, the
 * `x-amzn-ErrorType` header and a `x-amzn-RequestId`, the shape the SDK's awsJson parser reads.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../../core/constants';
import type { AwsApiDeps, RequestHandler } from './backends';
import { createEventsApi } from './events';
import { createStepFunctionsApi, toSfnApiError } from './sfn';
import type { JsonVersion } from './wire';
import { AwsApiError, MAX_REQUEST_BYTES, parseBody, readBoundedBody, requestTooLarge, sendAwsError, sendAwsJson } from './wire';

export type * from './backends';
export { AwsApiError } from './wire';

type Op = (req: Record<string, unknown>) => Promise<unknown> | unknown;

interface Service {
  readonly version: JsonVersion;
  readonly ops: Record<string, Op>;
  readonly toError: (err: unknown) => AwsApiError;
}

export function createAwsRequestHandler(deps: AwsApiDeps): RequestHandler {
  const accountId = deps.accountId ?? LOCAL_ACCOUNT_ID;
  const region = deps.region ?? LOCAL_REGION;
  const now = deps.now ?? (() => new Date());
  const rules = typeof deps.rules === 'function' ? deps.rules : () => deps.rules as Exclude<AwsApiDeps['rules'], () => unknown>;
  const services: Record<string, Service> = {
    AWSStepFunctions: { version: '1.0', ops: createStepFunctionsApi({ sfn: deps.sfn, accountId, region, now, createdAt: now() }), toError: toSfnApiError },
    AWSEvents: { version: '1.1', ops: createEventsApi({ bus: deps.bus, rules, accountId, region, ...(deps.onRejected ? { onRejected: deps.onRejected } : {}) }), toError: internalError },
  };
  /** Operations whose input is an event: a refused request is kept in the rejected store. */
  const eventInputs = new Set(['AWSEvents.PutEvents', 'AWSStepFunctions.StartExecution']);
  const keepRejected = async (target: string, body: Buffer, err: AwsApiError): Promise<void> => {
    if (!deps.onRejected || !eventInputs.has(target)) return;
    let event: unknown;
    try {
      event = parseBody(body);
    } catch {
      event = body.subarray(0, 200).toString('utf8'); // a sample of what could not be read
    }
    await deps.onRejected({ reason: `${err.code}: ${err.message}`, event, origin: target });
  };

  return async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> => {
    const target = header(req, 'x-amz-target');
    if (target === undefined) return deps.simulator.handle(req, res, body);
    const dot = target.indexOf('.');
    const [prefix, op] = dot < 0 ? [target, ''] : [target.slice(0, dot), target.slice(dot + 1)];
    // Own properties only: `__proto__.StartExecution` names no service (and never Object.prototype).
    const service = Object.hasOwn(services, prefix) ? services[prefix] : undefined;
    const version: JsonVersion = service?.version ?? (header(req, 'content-type')?.includes('1.0') ? '1.0' : '1.1');
    try {
      const handler = service && Object.hasOwn(service.ops, op) ? service.ops[op] : undefined;
      if (!handler) throw new AwsApiError('UnknownOperationException', service ? `Unknown operation ${op}` : `This endpoint does not serve ${target}`);
      const result = await handler(parseBody(body));
      sendAwsJson(res, version, 200, result);
    } catch (err) {
      const answer = err instanceof AwsApiError ? err : (service?.toError ?? internalError)(err);
      await keepRejected(target, body, answer).catch(() => undefined); // the answer says why; the store is best effort
      sendAwsError(res, version, answer);
    }
  };
}

/**
 * The HTTP server's request listener: reads the body bounded by `maxBytes` (413 past it, in the
 * AWS JSON error shape, which the restJson parser reads too) and never lets a failure escape.
 */
export function boundedRequestListener(handler: RequestHandler, maxBytes = MAX_REQUEST_BYTES): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const version: JsonVersion = header(req, 'content-type')?.includes('1.0') ? '1.0' : '1.1';
    const fail = (err: unknown): void => {
      if (res.headersSent || res.writableEnded) return;
      sendAwsError(res, version, internalError(err));
    };
    readBoundedBody(req, maxBytes)
      .then((body) => (body === undefined ? sendAwsError(res, version, requestTooLarge(maxBytes)) : handler(req, res, body)))
      .catch(fail);
  };
}

function internalError(err: unknown): AwsApiError {
  if (err instanceof AwsApiError) return err;
  const e = err instanceof Error ? err : new Error(String(err));
  return new AwsApiError('InternalException', `${e.name}: ${e.message}`, 500);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
