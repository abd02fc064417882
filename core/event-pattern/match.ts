/**
 * Evaluates a compiled pattern against an event, following EventBridge (event-ruler) semantics:
 * fields AND, leaf values OR, arrays in the event match when any element matches, objects inside
 * event arrays are matched element by element (one element must satisfy the whole sub-pattern).
 */
import { isPlainObject, type CompiledNode, type LeafMatcher, type Scalar } from './compile';
import { endsWithIgnoreCase, equalsIgnoreCase, startsWithIgnoreCase } from './ignore-case';
import { cidrContains, parseIp } from './ip';

type JsonObject = { readonly [key: string]: unknown };
const EMPTY: JsonObject = Object.freeze({});

export function matchNode(node: CompiledNode, value: unknown): boolean {
  if (Array.isArray(value)) {
    const objects = flatten(value).filter(isPlainObject);
    // No objects at this level: every field below is absent (only `exists: false` can match).
    if (objects.length === 0) return matchObject(node, EMPTY);
    return objects.some((obj) => matchObject(node, obj));
  }
  return matchObject(node, isPlainObject(value) ? value : EMPTY);
}

function matchObject(node: CompiledNode, obj: JsonObject): boolean {
  for (const field of node.fields) {
    const value = Object.hasOwn(obj, field.key) ? obj[field.key] : undefined;
    const ok = field.kind === 'leaf' ? matchLeaf(field.matchers, value) : matchNode(field.node, value);
    if (!ok) return false;
  }
  return node.ors.every((branches) => branches.some((branch) => matchObject(branch, obj)));
}

function flatten(values: readonly unknown[]): unknown[] {
  return values.flatMap((v) => (Array.isArray(v) ? flatten(v) : [v]));
}

function isScalar(value: unknown): value is Scalar {
  return (
    typeof value === 'string' ||
    (typeof value === 'number' && Number.isFinite(value)) ||
    typeof value === 'boolean' ||
    value === null
  );
}

/** The leaf values of a field: a scalar, or the scalars of an (arbitrarily nested) array. Objects are not leaves. */
function leafValues(value: unknown): Scalar[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return flatten(value).filter(isScalar);
  return isScalar(value) ? [value] : [];
}

function matchLeaf(matchers: readonly LeafMatcher[], value: unknown): boolean {
  const values = leafValues(value);
  if (values.length === 0) {
    // Absent (missing, an object, or an array without leaf values): only `exists: false` matches.
    return matchers.some((m) => m.kind === 'exists' && !m.value);
  }
  return matchers.some((m) => (m.kind === 'exists' ? m.value : values.some((v) => matchScalar(m, v))));
}

function matchScalar(m: Exclude<LeafMatcher, { kind: 'exists' }>, v: Scalar): boolean {
  switch (m.kind) {
    case 'exact':
      if (m.value === v) return true;
      if (m.ip !== undefined && typeof v === 'string') {
        const ip = parseIp(v);
        return ip !== undefined && ip.family === m.ip.family && ip.value === m.ip.value;
      }
      return false;
    case 'prefix':
      if (typeof v !== 'string') return false;
      return m.ignoreCase ? startsWithIgnoreCase(v, m.ignoreCase) : v.startsWith(m.value);
    case 'suffix':
      if (typeof v !== 'string') return false;
      return m.ignoreCase ? endsWithIgnoreCase(v, m.ignoreCase) : v.endsWith(m.value);
    case 'equals-ignore-case':
      return typeof v === 'string' && equalsIgnoreCase(v, m.forms);
    case 'wildcard':
      return typeof v === 'string' && m.regex.test(v);
    case 'anything-but':
      return !m.excludes(v);
    case 'numeric': {
      if (typeof v !== 'number') return false;
      const { lower, upper } = m;
      if (lower && !(lower.inclusive ? v >= lower.value : v > lower.value)) return false;
      if (upper && !(upper.inclusive ? v <= upper.value : v < upper.value)) return false;
      return true;
    }
    case 'cidr': {
      if (typeof v !== 'string') return false;
      const ip = parseIp(v);
      return ip !== undefined && cidrContains(m.block, ip);
    }
  }
}
