/**
 * Connect error shapes on the wire (docs/sources.md#cpca-errors). Status codes are the `httpError`
 * traits of the error shapes in @aws-sdk/client-connect 3.1136 (dist-cjs/index.js, `<Name>$`
 * schemas). The SDK reads the code from `x-amzn-ErrorType` and the message from `message`.
 */

export const ERROR_STATUS: Readonly<Record<string, number>> = {
  AccessDeniedException: 403,
  ContactNotFoundException: 410,
  IdempotencyException: 409,
  InternalServiceException: 500,
  InvalidActiveRegionException: 400,
  InvalidParameterException: 400,
  InvalidRequestException: 400,
  LimitExceededException: 429,
  ResourceConflictException: 409,
  ResourceNotFoundException: 404,
  ServiceQuotaExceededException: 402,
  ThrottlingException: 429,
  TooManyRequestsException: 429,
  // Not Connect shapes: what AWS front ends answer for a malformed body or an unknown route.
  SerializationException: 400,
  UnknownOperationException: 404,
};

export function statusFor(code: string): number {
  return ERROR_STATUS[code] ?? 400;
}

/** An error the simulator answers with: `code` becomes `x-amzn-ErrorType` (and the SDK error `name`). */
export class ConnectError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, message: string, status?: number) {
    super(message);
    this.name = 'ConnectError';
    this.code = code;
    this.status = status ?? statusFor(code);
  }
}

export const invalidParameter = (message: string): ConnectError =>
  new ConnectError('InvalidParameterException', message);
export const invalidRequest = (message: string): ConnectError =>
  new ConnectError('InvalidRequestException', message);
export const notFound = (message: string): ConnectError =>
  new ConnectError('ResourceNotFoundException', message);
