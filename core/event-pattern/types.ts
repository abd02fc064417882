/**
 * Public types of the EventBridge event-pattern matcher (see ../event-pattern.ts).
 * They describe the JSON shape EventBridge accepts; validateEventPattern() enforces it at runtime.
 */

/** A literal value in a leaf array: matches an equal event value (numbers compare numerically). */
export type EventPatternScalar = string | number | boolean | null;

/** `{ "equals-ignore-case": "..." }` as the operand of `prefix` / `suffix`. */
export interface EventPatternIgnoreCase {
  readonly 'equals-ignore-case': string;
}

export type EventPatternNumericOperator = '=' | '<' | '<=' | '>' | '>=';

/** `["=", 5]`, `["<", 10]`, `[">", 0, "<=", 5]` (a lower bound, then an upper bound). */
export type EventPatternNumeric =
  | readonly ['=', number]
  | readonly ['<' | '<=' | '>' | '>=', number]
  | readonly ['>' | '>=', number, '<' | '<=', number];

/** Operand of `anything-but`: a value, a list of strings or of numbers, or a string operator. */
export type EventPatternAnythingBut =
  | string
  | number
  | readonly string[]
  | readonly number[]
  | { readonly prefix: string | readonly string[] }
  | { readonly suffix: string | readonly string[] }
  | { readonly wildcard: string | readonly string[] }
  | { readonly 'equals-ignore-case': string | readonly string[] };

/** One comparison operator object inside a leaf array. Exactly one key. */
export type EventPatternOperator =
  | { readonly prefix: string | EventPatternIgnoreCase }
  | { readonly suffix: string | EventPatternIgnoreCase }
  | { readonly 'equals-ignore-case': string }
  | { readonly wildcard: string }
  | { readonly 'anything-but': EventPatternAnythingBut }
  | { readonly numeric: EventPatternNumeric }
  | { readonly exists: boolean }
  | { readonly cidr: string };

/** A leaf: the OR of its values / operators. */
export type EventPatternLeaf = readonly (EventPatternScalar | EventPatternOperator)[];

/**
 * An event pattern: every field must match (AND). A field is a leaf array, a nested pattern, or,
 * under the key `$or`, a list of at least two alternative patterns.
 */
export interface EventPattern {
  readonly $or?: readonly EventPattern[];
  readonly [field: string]: EventPatternLeaf | EventPattern | readonly EventPattern[] | undefined;
}
