/**
 * A fast path for the JSONPath queries the interpreter makes on every state. aws-local-stepfunctions
 * evaluates every path (`Payload.$`, `OutputPath`, a Choice's `Variable`, ...) with jsonpath-plus
 * called with `wrap: false`, and jsonpath-plus answers any query whose result is not an object
 * (a string, a number, a path that is not there) by constructing and catching an Error: its stack
 * trace was the largest single cost of the local engine in a CPU profile (`--cpu-prof` of
 * bench/pipeline-throughput.ts: NewError, 6.5% of the pipeline's time).
 *
 * Plain paths (`$`, `$.a.b`, `$.Execution.Id`, `$.resumes[0]`: identifiers and array indexes)
 * are answered here by walking the object; when the walk meets anything else (a member of an
 * array or a primitive, an index into a non-array) it hands the query to jsonpath-plus itself,
 * as does
 * every other path and every other option. The library reads `JSONPath` from the module's
 * exports at each call, so replacing that export is enough; test/unit/fast-jsonpath.test.ts
 * checks the two agree.
 */
import { createRequire } from 'node:module';

type JSONPathFn = (opts: unknown, ...rest: unknown[]) => unknown;

/** The module's real exports object (an ES namespace import would be a read-only copy). */
const jsonpathPlus = createRequire(__filename)('jsonpath-plus') as { JSONPath: JSONPathFn & { fast?: true } };

const PLAIN = /^\$(?:\.[A-Za-z_][A-Za-z0-9_]*|\[(?:0|[1-9][0-9]{0,8})\])*$/;
const SEGMENT = /\.([A-Za-z_][A-Za-z0-9_]*)|\[([0-9]+)\]/g;
/** A member name, or an array index (`[0]`, the Choice on `$.resumes[0]`). */
export type Segment = string | number;
const segmentsByPath = new Map<string, readonly Segment[] | null>();

function segmentsOf(path: string): readonly Segment[] | null {
  let segments = segmentsByPath.get(path);
  if (segments === undefined) {
    segments = PLAIN.test(path) ? [...path.matchAll(SEGMENT)].map((m) => (m[1] !== undefined ? m[1] : Number(m[2]))) : null;
    if (segmentsByPath.size < 10_000) segmentsByPath.set(path, segments);
  }
  return segments;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The value at a plain path, or `fallback` when only jsonpath-plus may say: a root that is not a
 * plain object, a member of anything but a plain object, an index into anything but an array, or
 * an array result (jsonpath-plus unwraps those its own way). A member or an index that is not
 * there gives undefined, as jsonpath-plus answers.
 */
export function plainPathValue(json: unknown, segments: readonly Segment[], fallback: symbol): unknown {
  if (!isPlainObject(json)) return fallback;
  let value: unknown = json;
  for (const segment of segments) {
    if (typeof segment === 'number') {
      if (!Array.isArray(value)) return fallback;
      if (segment >= value.length) return undefined;
      value = value[segment];
      continue;
    }
    if (!isPlainObject(value)) return fallback;
    if (!Object.hasOwn(value, segment)) return undefined;
    value = value[segment];
  }
  return Array.isArray(value) ? fallback : value;
}

const FALLBACK = Symbol('fallback');

/** Makes the JSONPath export answer plain paths itself (idempotent). */
export function installFastJsonPath(): void {
  const original = jsonpathPlus.JSONPath;
  if (original.fast) return;
  const fast = function JSONPath(this: unknown, opts: unknown, ...rest: unknown[]): unknown {
    if (new.target === undefined && rest.length === 0 && isPlainObject(opts) && opts['wrap'] === false && typeof opts['path'] === 'string' && Object.keys(opts).length === 3 && 'json' in opts) {
      const segments = segmentsOf(opts['path']);
      if (segments) {
        const value = plainPathValue(opts['json'], segments, FALLBACK);
        if (value !== FALLBACK) return value;
      }
    }
    return new.target ? Reflect.construct(original, [opts, ...rest], new.target) : original.call(this, opts, ...rest);
  } as JSONPathFn & { fast?: true };
  Object.assign(fast, original);
  fast.prototype = (original as unknown as { prototype: unknown }).prototype;
  fast.fast = true;
  jsonpathPlus.JSONPath = fast;
}
