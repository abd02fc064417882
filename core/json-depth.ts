/**
 * How deeply JSON nests, measured without recursion (a hostile document thousands of levels deep
 * must not overflow the stack of the code that measures it).
 */

/** EventBridge's own limit: "PutEvents will only process nested JSON up to 1100 levels deep" (API reference, PutEvents). */
export const MAX_EVENTBRIDGE_JSON_DEPTH = 1100;

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

/** Whether a parsed value nests objects/arrays deeper than `max` levels (stops as soon as it does). */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, level] = stack.pop() as [unknown, number];
    if (typeof v !== 'object' || v === null) continue;
    if (level + 1 > max) return true;
    for (const child of Object.values(v)) if (typeof child === 'object' && child !== null) stack.push([child, level + 1]);
  }
  return false;
}
