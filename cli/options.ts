/**
 * Option parsers shared by the commands: a bad value is a clear usage error (commander prints it
 * with the command's help and the CLI exits 2), never NaN downstream.
 */
import { InvalidArgumentError } from 'commander';
import type { BudgetLimits } from '../core/budget';
import { parseSeconds } from '../core/config';

export const seconds = (name: string) => (value: string): number => {
  try {
    return parseSeconds(name, value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
};

export const port = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`--port must be 0-65535; got "${value}"`);
  return n;
};

export const wholeNumber = (value: string): number => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(`must be a whole number >= 0; got "${value}"`);
  return n;
};

export const onOff = (value: string): boolean => {
  if (value !== 'on' && value !== 'off') throw new InvalidArgumentError(`must be on or off; got "${value}"`);
  return value === 'on';
};

export const share = (value: string): number => {
  const n = /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= 0 && n < 1)) throw new InvalidArgumentError(`must be a share >= 0 and < 1; got "${value}"`);
  return n;
};

export const quota = (flag: string) => (value: string): BudgetLimits => {
  const m = /^\s*(\d+(?:\.\d+)?)\s*:\s*(\d+)\s*$/.exec(value);
  if (!m || !(Number(m[1]) > 0) || !(Number(m[2]) >= 1)) throw new InvalidArgumentError(`${flag} must be <rate>:<burst>, e.g. 5:8; got "${value}"`);
  return { ratePerSecond: Number(m[1]), burst: Number(m[2]) };
};

export const factor = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`must be a number > 0; got "${value}"`);
  return n;
};
