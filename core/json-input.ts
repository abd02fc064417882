/**
 * Bounds on JSON that enters from outside (HTTP bodies, PutEvents Detail, StartExecution input,
 * replay lines): strict UTF-8, a nesting depth every later step (JSON.stringify, structuredClone,
 * the pattern matcher, zod) can walk without overflowing its stack, and no key that names an
 * object's prototype machinery (`__proto__`, `constructor`), which a later spread or merge could
 * turn into prototype pollution. Pure; every check is iterative and linear in the input.
 */

/**
 * "PutEvents will only process nested JSON up to 1000 levels deep" (PutEvents API reference;
 * other copies of the page say 1100: the lower one is kept). Deeper values also overflow the
 * stack of JSON.stringify and structuredClone, which every later step uses.
 */
export const MAX_JSON_DEPTH = 1000;

/** Keys refused anywhere in an input document. */
export const FORBIDDEN_KEYS: readonly string[] = ['__proto__', 'constructor'];

/** Why a JSON input is refused; `reason` is one readable line. */
export class JsonInputError extends Error {
  override readonly name = 'JsonInputError';
  constructor(readonly reason: string) {
    super(reason);
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The bytes as text, or a JsonInputError when they are not valid UTF-8 (never replaced by U+FFFD). */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new JsonInputError('not valid UTF-8');
  }
}

/**
 * Walks `value` without recursion: how deep it nests (a scalar is 0, `{}` is 1), stopping once
 * past `limit` or at the first object key `stopAt` names.
 */
function walk(value: unknown, limit: number, stopAt?: (key: string) => boolean): { depth: number; key?: string } {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (typeof v !== 'object' || v === null) continue;
    const d = depth + 1;
    if (d > max) max = d;
    if (max > limit) return { depth: max };
    if (Array.isArray(v)) {
      for (const child of v) if (typeof child === 'object' && child !== null) stack.push([child, d]);
      continue;
    }
    for (const key of Object.keys(v)) {
      if (stopAt?.(key)) return { depth: max, key };
      const child = (v as Record<string, unknown>)[key];
      if (typeof child === 'object' && child !== null) stack.push([child, d]);
    }
  }
  return { depth: max };
}

/** How deep `value` nests (a scalar is 0, `{}` is 1), counted without recursion; stops past `limit`. */
export function jsonDepth(value: unknown, limit = MAX_JSON_DEPTH): number {
  return walk(value, limit).depth;
}

/** What is wrong with a parsed JSON value (too deep, a forbidden key), or undefined. */
export function jsonValueProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): string | undefined {
  const w = walk(value, maxDepth, (key) => FORBIDDEN_KEYS.includes(key));
  if (w.depth > maxDepth) return `nested deeper than ${maxDepth} levels${maxDepth === MAX_JSON_DEPTH ? ' (the PutEvents limit)' : ''}`;
  return w.key === undefined ? undefined : `key "${w.key}" is not allowed`;
}

/** JSON text → value, or a JsonInputError saying why (not JSON, too deep, a forbidden key). */
export function parseJsonInput(text: string, maxDepth = MAX_JSON_DEPTH): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new JsonInputError(`not JSON: ${(err as Error).message}`);
  }
  const problem = jsonValueProblem(value, maxDepth);
  if (problem) throw new JsonInputError(problem);
  return value;
}
