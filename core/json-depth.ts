/**
 * How deeply JSON nests, measured without recursion (a hostile document thousands of levels deep
 * must not overflow the stack of the code that measures it).
 */

/**
 * EventBridge's own limit: "PutEvents will only process nested JSON up to 1100 levels deep"
 * (PutEvents API reference; other copies of the page say 1000: the lower one is kept). Deeper
 * values also overflow the stack of JSON.stringify and structuredClone, which later steps use.
 */
export const MAX_EVENTBRIDGE_JSON_DEPTH = 1000;

/** chatline's limit for an event it records: Connect's contact events nest 3 levels; 32 leaves room for any extension. */
export const MAX_EVENT_DEPTH = 32;

/** The deepest nesting of objects and arrays in JSON text (0 for a scalar); text need not be valid JSON. */
export function jsonTextDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

/** How deep a parsed value nests (a scalar is 0, `{}` is 1), counted without recursion; stops once past `limit`. */
export function jsonDepth(value: unknown, limit = Number.POSITIVE_INFINITY): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (typeof v !== 'object' || v === null) continue;
    const d = depth + 1;
    if (d > max) max = d;
    if (max > limit) return max;
    for (const child of Object.values(v)) if (typeof child === 'object' && child !== null) stack.push([child, d]);
  }
  return max;
}

/** Whether a parsed value nests objects/arrays deeper than `max` levels. */
export const nestsDeeperThan = (value: unknown, max: number): boolean => jsonDepth(value, max) > max;
