/**
 * Server-side shape validation. The SDK validates nothing on the client
 * (docs/sources.md#cpca-wire-protocol), so bad enums, lengths and missing members reach the
 * server. Constraints are from the Smithy model (InstanceId 1-100, ContactId 1-256, ClientToken
 * 0-500, ...). The error name is per operation:
 * InvalidParameterException where modeled, else InvalidRequestException.
 */
import { ConnectError } from './errors';

export class Validator {
  constructor(
    private readonly body: Record<string, unknown>,
    private readonly errorCode: string,
  ) {}

  fail(message: string): never {
    throw new ConnectError(this.errorCode, message);
  }

  checkLength(name: string, v: string, min: number, max: number): string {
    if (v.length < min || v.length > max) {
      this.fail(`${name} must have length between ${min} and ${max}`);
    }
    return v;
  }

  /** A required string member (or a label value passed in). */
  required(name: string, min: number, max: number, value: unknown = this.body[name]): string {
    if (value === undefined || value === null) this.fail(`${name} is required`);
    if (typeof value !== 'string') this.fail(`${name} must be a string`);
    return this.checkLength(name, value, min, max);
  }

  optional(name: string, min: number, max: number, value: unknown = this.body[name]): string | undefined {
    if (value === undefined || value === null) return undefined;
    return this.required(name, min, max, value);
  }

  enumOf<T extends string>(name: string, allowed: readonly T[], value: unknown = this.body[name]): T {
    if (value === undefined || value === null) this.fail(`${name} is required`);
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      this.fail(`${name} must be one of ${allowed.join(', ')}`);
    }
    return value as T;
  }

  object(name: string, value: unknown = this.body[name]): Record<string, unknown> | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) this.fail(`${name} must be an object`);
    return value as Record<string, unknown>;
  }

  stringMap(name: string, value: unknown = this.body[name]): Record<string, string> | undefined {
    const o = this.object(name, value);
    if (!o) return undefined;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(o)) {
      if (typeof v !== 'string') this.fail(`${name}.${k} must be a string`);
      out[k] = v;
    }
    return out;
  }

  integer(name: string, min: number, max: number, value: unknown = this.body[name]): number | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail(`${name} must be an integer between ${min} and ${max}`);
    }
    return value;
  }
}
