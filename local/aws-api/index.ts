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

/** Calls one operation: resolves with its answer, or rejects with the AwsApiError to send. */
export type AwsInvoke = (target: string, read: () => Record<string, unknown>, sample?: () => unknown) => Promise<unknown>;

/**
 * The Step Functions and EventBridge operations by `X-Amz-Target`, for the HTTP front end and for
 * the workflows' in-process tasks alike. `read` gives the request (a parse failure is its
 * refusal); a refused event input (PutEvents, StartExecution) is kept in the rejected store, with
 * `sample()` when the request could not be read.
 */
export function createAwsOperations(deps: Omit<AwsApiDeps, 'simulator'>): { invoke: AwsInvoke; versionOf(target: string): JsonVersion | undefined } {
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
  const split = (target: string): { service: Service | undefined; op: string } => {
    const dot = target.indexOf('.');
    const [prefix, op] = dot < 0 ? [target, ''] : [target.slice(0, dot), target.slice(dot + 1)];
    // Own properties only: `__proto__.StartExecution` names no service (and never Object.prototype).
    return { service: Object.hasOwn(services, prefix) ? services[prefix] : undefined, op };
  };

  const invoke: AwsInvoke = async (target, read, sample) => {
    const { service, op } = split(target);
    let request: Record<string, unknown> | undefined;
    try {
      const handler = service && Object.hasOwn(service.ops, op) ? service.ops[op] : undefined;
      if (!handler) throw new AwsApiError('UnknownOperationException', service ? `Unknown operation ${op}` : `This endpoint does not serve ${target}`);
      request = read();
      return await handler(request);
    } catch (err) {
      const answer = err instanceof AwsApiError ? err : (service?.toError ?? internalError)(err);
      if (deps.onRejected && eventInputs.has(target)) {
        // The answer says why; the store is best effort.
        await deps.onRejected({ reason: `${answer.code}: ${answer.message}`, event: request ?? sample?.(), origin: target }).catch(() => undefined);
      }
      throw answer;
    }
  };
  return { invoke, versionOf: (target) => split(target).service?.version };
}

export function createAwsRequestHandler(deps: AwsApiDeps): RequestHandler {
  const { invoke, versionOf } = createAwsOperations(deps);
  return async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> => {
    const target = header(req, 'x-amz-target');
    if (target === undefined) return deps.simulator.handle(req, res, body);
    const version: JsonVersion = versionOf(target) ?? (header(req, 'content-type')?.includes('1.0') ? '1.0' : '1.1');
    try {
      sendAwsJson(res, version, 200, await invoke(target, () => parseBody(body), () => readableSample(body)));
    } catch (err) {
      sendAwsError(res, version, err as AwsApiError);
    }
  };
}

/** What a request that could not be read is kept as: the parsed body, or its first 200 bytes. */
function readableSample(body: Buffer): unknown {
  try {
    return parseBody(body);
  } catch {
    return body.subarray(0, 200).toString('utf8');
  }
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
