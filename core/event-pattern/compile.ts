/**
 * Validates an event pattern (as EventBridge's PutRule / TestEventPattern would) and compiles it
 * into a small matcher tree. Every structural rule is checked here, so match.ts can trust its input.
 */
import { InvalidEventPatternError } from './errors';
import { compileIgnoreCase, equalsIgnoreCase, type CaseForms } from './ignore-case';
import { parseCidr, parseIp, type CidrBlock, type IpAddress } from './ip';
import { compileWildcard } from './wildcard';

export type Scalar = string | number | boolean | null;

export type LeafMatcher =
  | { readonly kind: 'exact'; readonly value: Scalar; readonly ip: IpAddress | undefined }
  /** `ignoreCase` holds the pattern's case forms for the equals-ignore-case variant, undefined when case-sensitive. */
  | { readonly kind: 'prefix' | 'suffix'; readonly value: string; readonly ignoreCase: CaseForms | undefined }
  | { readonly kind: 'equals-ignore-case'; readonly forms: CaseForms }
  | { readonly kind: 'wildcard'; readonly regex: RegExp }
  | { readonly kind: 'anything-but'; readonly excludes: (value: Scalar) => boolean }
  | { readonly kind: 'numeric'; readonly lower: Bound | undefined; readonly upper: Bound | undefined }
  | { readonly kind: 'exists'; readonly value: boolean }
  | { readonly kind: 'cidr'; readonly block: CidrBlock };

export interface Bound {
  readonly value: number;
  readonly inclusive: boolean;
}

export type FieldMatcher =
  | { readonly key: string; readonly kind: 'leaf'; readonly matchers: readonly LeafMatcher[] }
  | { readonly key: string; readonly kind: 'object'; readonly node: CompiledNode };

export interface CompiledNode {
  readonly fields: readonly FieldMatcher[];
  /** Each entry is one `$or`: at least one of its branches must match (evaluated on the same object). */
  readonly ors: readonly (readonly CompiledNode[])[];
}

export const OR_KEY = '$or';

const OPERATORS = new Set([
  'prefix',
  'suffix',
  'equals-ignore-case',
  'wildcard',
  'anything-but',
  'numeric',
  'exists',
  'cidr',
]);

const ANYTHING_BUT_OPERATORS = new Set(['prefix', 'suffix', 'wildcard', 'equals-ignore-case']);

type JsonObject = { readonly [key: string]: unknown };

export function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(reason: string, path: string): never {
  throw new InvalidEventPatternError(reason, path);
}

function child(path: string, key: string): string {
  return path === '$' ? key : `${path}.${key}`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value) ?? String(value)}`;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Compiles a whole pattern (the top level must be a non-empty object). */
export function compilePattern(pattern: unknown): CompiledNode {
  if (!isPlainObject(pattern)) fail(`Filter is not an object, got ${describe(pattern)}`, '$');
  return compileObject(pattern, '$', false);
}

function compileObject(obj: JsonObject, path: string, insideOr: boolean): CompiledNode {
  const keys = Object.keys(obj);
  if (keys.length === 0) fail('Empty objects are not allowed', path);
  const fields: FieldMatcher[] = [];
  const ors: CompiledNode[][] = [];
  for (const key of keys) {
    const value = obj[key];
    const at = child(path, key);
    if (key === OR_KEY) {
      ors.push(compileOr(value, at));
      continue;
    }
    if (insideOr && OPERATORS.has(key)) {
      fail(`"${key}" is a reserved operator name and cannot be used as a field name inside $or`, at);
    }
    if (Array.isArray(value)) {
      fields.push({ key, kind: 'leaf', matchers: compileLeaf(value, at) });
    } else if (isPlainObject(value)) {
      fields.push({ key, kind: 'object', node: compileObject(value, at, insideOr) });
    } else {
      fail(`"${key}" must be an object or an array, got ${describe(value)}`, at);
    }
  }
  return { fields, ors };
}

function compileOr(value: unknown, path: string): CompiledNode[] {
  if (!Array.isArray(value)) fail(`${OR_KEY} must be followed by an array, got ${describe(value)}`, path);
  if (value.length < 2) fail(`There must be at least 2 objects in ${OR_KEY}`, path);
  return value.map((branch, i) => {
    const at = `${path}[${i}]`;
    if (!isPlainObject(branch)) fail(`Only objects are allowed in ${OR_KEY}, got ${describe(branch)}`, at);
    return compileObject(branch, at, true);
  });
}

function compileLeaf(values: readonly unknown[], path: string): LeafMatcher[] {
  if (values.length === 0) fail('Empty arrays are not allowed', path);
  return values.map((value, i) => compileLeafValue(value, `${path}[${i}]`));
}

function compileLeafValue(value: unknown, path: string): LeafMatcher {
  if (typeof value === 'string') return { kind: 'exact', value, ip: parseIp(value) };
  if (isFiniteNumber(value) || typeof value === 'boolean' || value === null) {
    return { kind: 'exact', value, ip: undefined };
  }
  if (!isPlainObject(value)) {
    fail(`Match value must be a string, number, true, false, null or an operator object, got ${describe(value)}`, path);
  }
  const keys = Object.keys(value);
  const [op] = keys;
  if (op === undefined) fail('Match expression name not found (empty operator object)', path);
  if (keys.length > 1) fail(`Only one key allowed in match expression, got ${keys.join(', ')}`, path);
  const operand = value[op];
  const at = child(path, op);
  switch (op) {
    case 'prefix':
    case 'suffix':
      return compilePrefixSuffix(op, operand, at);
    case 'equals-ignore-case':
      return { kind: 'equals-ignore-case', forms: compileIgnoreCase(requireString(operand, op, at)) };
    case 'wildcard':
      return { kind: 'wildcard', regex: requireWildcard(requireString(operand, op, at), at) };
    case 'anything-but':
      return { kind: 'anything-but', excludes: compileAnythingBut(operand, at) };
    case 'numeric':
      return compileNumeric(operand, at);
    case 'exists':
      if (typeof operand !== 'boolean') fail(`exists match pattern must be either true or false, got ${describe(operand)}`, at);
      return { kind: 'exists', value: operand };
    case 'cidr': {
      const block = parseCidr(requireString(operand, op, at));
      if (typeof block === 'string') fail(block, at);
      return { kind: 'cidr', block };
    }
    default:
      return fail(`Unrecognized match type "${op}"`, path);
  }
}

function requireString(operand: unknown, op: string, path: string): string {
  if (typeof operand !== 'string') fail(`${op} match pattern must be a string, got ${describe(operand)}`, path);
  return operand;
}

function requireWildcard(value: string, path: string): RegExp {
  const regex = compileWildcard(value);
  if (typeof regex === 'string') fail(regex, path);
  return regex;
}

function compilePrefixSuffix(op: 'prefix' | 'suffix', operand: unknown, path: string): LeafMatcher {
  if (typeof operand === 'string') return { kind: op, value: operand, ignoreCase: undefined };
  if (isPlainObject(operand)) {
    const keys = Object.keys(operand);
    if (keys.length === 1 && keys[0] === 'equals-ignore-case') {
      const value = requireString(operand['equals-ignore-case'], `${op}/equals-ignore-case`, child(path, 'equals-ignore-case'));
      return { kind: op, value, ignoreCase: compileIgnoreCase(value) };
    }
    fail(`${op} accepts a string or { "equals-ignore-case": string }, got keys ${keys.join(', ') || '(none)'}`, path);
  }
  return fail(`${op} match pattern must be a string, got ${describe(operand)}`, path);
}

/** Returns the predicate "this event value is excluded" (anything-but matches present values it does not exclude). */
function compileAnythingBut(operand: unknown, path: string): (value: Scalar) => boolean {
  if (typeof operand === 'string') return (v) => v === operand;
  if (isFiniteNumber(operand)) return (v) => v === operand;
  if (Array.isArray(operand)) {
    if (operand.length === 0) fail('anything-but list must not be empty', path);
    if (operand.every((v): v is string => typeof v === 'string')) {
      const set = new Set<string>(operand);
      return (v) => typeof v === 'string' && set.has(v);
    }
    if (operand.every(isFiniteNumber)) {
      const set = new Set<number>(operand);
      return (v) => typeof v === 'number' && set.has(v);
    }
    return fail('Inside an anything-but list, either all values are numbers or all are strings (no null, boolean, object or mixed types)', path);
  }
  if (isPlainObject(operand)) {
    const keys = Object.keys(operand);
    const [op] = keys;
    if (op === undefined || keys.length > 1) {
      fail(`anything-but object must have exactly one of prefix, suffix, wildcard, equals-ignore-case; got ${keys.join(', ') || '(none)'}`, path);
    }
    if (!ANYTHING_BUT_OPERATORS.has(op)) fail(`Unsupported anything-but pattern: "${op}"`, path);
    const at = child(path, op);
    const strings = requireStringList(operand[op], `anything-but/${op}`, at);
    switch (op) {
      case 'prefix':
      case 'suffix':
        if (strings.some((s) => s === '')) fail(`Null ${op} not allowed in anything-but`, at);
        return op === 'prefix'
          ? (v) => typeof v === 'string' && strings.some((s) => v.startsWith(s))
          : (v) => typeof v === 'string' && strings.some((s) => v.endsWith(s));
      case 'equals-ignore-case': {
        const forms = strings.map(compileIgnoreCase);
        return (v) => typeof v === 'string' && forms.some((f) => equalsIgnoreCase(v, f));
      }
      case 'wildcard': {
        const regexes = strings.map((s) => requireWildcard(s, at));
        return (v) => typeof v === 'string' && regexes.some((r) => r.test(v));
      }
      default:
        return fail(`Unsupported anything-but pattern: "${op}"`, path);
    }
  }
  return fail(`Value of anything-but must be a string, a number, a list of them, or an operator object; got ${describe(operand)}`, path);
}

function requireStringList(operand: unknown, op: string, path: string): readonly string[] {
  if (typeof operand === 'string') return [operand];
  if (Array.isArray(operand) && operand.length > 0 && operand.every((v): v is string => typeof v === 'string')) {
    return operand;
  }
  return fail(`${op} match pattern must be a string or a non-empty list of strings, got ${describe(operand)}`, path);
}

/**
 * The numbers numeric matching can compare (EventBridge User Guide, "Numeric matching": values between
 * -5.0e9 and +5.0e9 inclusive, six digits to the right of the decimal point; event-ruler's
 * ComparableNumber.generate rejects any other operand, so the rule is rejected).
 */
const NUMERIC_LIMIT = 5_000_000_000;
const NUMERIC_DECIMALS = 6;

function isComparableNumber(n: number): boolean {
  if (Math.abs(n) > NUMERIC_LIMIT) return false;
  const [mantissa = '', exponent = '0'] = n.toExponential().split('e');
  const decimals = (mantissa.split('.')[1] ?? '').length - Number(exponent);
  return decimals <= NUMERIC_DECIMALS;
}

const LOWER_OPS = new Set(['>', '>=']);
const UPPER_OPS = new Set(['<', '<=']);

function compileNumeric(operand: unknown, path: string): LeafMatcher {
  if (!Array.isArray(operand)) fail(`Value of numeric must be an array, got ${describe(operand)}`, path);
  const items: readonly unknown[] = operand;
  const opAt = (i: number): string => {
    const op = items[i];
    if (typeof op !== 'string') fail(`Invalid member in numeric match: ${describe(op)} (expected an operator string)`, `${path}[${i}]`);
    if (op !== '=' && !LOWER_OPS.has(op) && !UPPER_OPS.has(op)) fail(`Unrecognized numeric range operator: "${op}"`, `${path}[${i}]`);
    return op;
  };
  const numAt = (i: number, op: string): number => {
    const n = items[i];
    if (!isFiniteNumber(n)) fail(`Value of ${op} must be numeric, got ${n === undefined ? 'nothing' : describe(n)}`, `${path}[${i}]`);
    if (!isComparableNumber(n)) {
      fail(`Value of ${op} must be between -${NUMERIC_LIMIT} and ${NUMERIC_LIMIT} with at most ${NUMERIC_DECIMALS} decimal places, got ${n}`, `${path}[${i}]`);
    }
    return n;
  };
  if (items.length === 0) fail('numeric expression must not be empty', path);
  const first = opAt(0);
  const firstValue = numAt(1, first);
  if (first === '=') {
    if (items.length > 2) fail('Too many elements in numeric expression', path);
    return { kind: 'numeric', lower: { value: firstValue, inclusive: true }, upper: { value: firstValue, inclusive: true } };
  }
  if (UPPER_OPS.has(first)) {
    if (items.length > 2) fail(`Too many elements in numeric expression (an upper bound "${first}" must come last)`, path);
    return { kind: 'numeric', lower: undefined, upper: { value: firstValue, inclusive: first === '<=' } };
  }
  const lower: Bound = { value: firstValue, inclusive: first === '>=' };
  if (items.length === 2) return { kind: 'numeric', lower, upper: undefined };
  const second = opAt(2);
  if (!UPPER_OPS.has(second)) fail(`Bad numeric range operator: "${second}" (the second operator must be < or <=)`, `${path}[2]`);
  const secondValue = numAt(3, second);
  if (items.length > 4) fail('Too many terms in numeric range expression', path);
  if (!(firstValue < secondValue)) fail(`Bottom must be less than top in numeric range (${firstValue} >= ${secondValue})`, path);
  return { kind: 'numeric', lower, upper: { value: secondValue, inclusive: second === '<=' } };
}
