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

/** How deep `value` nests (a scalar is 0, `{}` is 1), counted without recursion; stops past `limit`. */
export function jsonDepth(value: unknown, limit = MAX_JSON_DEPTH): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (typeof v !== 'object' || v === null) continue;
    const d = depth + 1;
    if (d > max) max = d;
    if (max > limit) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === 'object' && child !== null) stack.push([child, d]);
    }
  }
  return max;
}

/** What is wrong with a parsed JSON value (too deep, a forbidden key), or undefined. */
export function jsonValueProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): string | undefined {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (typeof v !== 'object' || v === null) continue;
    if (depth + 1 > maxDepth) return `nested deeper than ${maxDepth} levels${maxDepth === MAX_JSON_DEPTH ? ' (the PutEvents limit)' : ''}`;
    if (Array.isArray(v)) {
      for (const child of v) if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
      continue;
    }
    for (const key of Object.keys(v)) {
      if (FORBIDDEN_KEYS.includes(key)) return `key "${key}" is not allowed`;
      const child = (v as Record<string, unknown>)[key];
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return undefined;
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
