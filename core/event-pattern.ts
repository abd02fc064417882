/**
 * Amazon EventBridge event-pattern matching, pure (no I/O, no SDK). Used by the local event bus and
 * by tests to check the rules infra deploys. Semantics follow the EventBridge User Guide ("Creating
 * event patterns", "Content filtering", "Comparison operators", "Arrays", "Null values and empty
 * strings"), with the open-source event-ruler engine as the tie-breaker where the guide is silent.
 *
 * Patterns are treated as immutable: the compiled form is cached per pattern object.
 */
import { compilePattern, type CompiledNode } from './event-pattern/compile';
import { InvalidEventPatternError } from './event-pattern/errors';
import { parsePatternText } from './event-pattern/json-text';
import { matchNode } from './event-pattern/match';
import type { EventPattern } from './event-pattern/types';

export { InvalidEventPatternError } from './event-pattern/errors';
export type {
  EventPattern,
  EventPatternAnythingBut,
  EventPatternIgnoreCase,
  EventPatternLeaf,
  EventPatternNumeric,
  EventPatternNumericOperator,
  EventPatternOperator,
  EventPatternScalar,
} from './event-pattern/types';

const compiled = new WeakMap<object, CompiledNode>();

function compileCached(pattern: object): CompiledNode {
  let node = compiled.get(pattern);
  if (!node) {
    node = compilePattern(pattern);
    compiled.set(pattern, node);
  }
  return node;
}

/**
 * Checks that `pattern` is a valid EventBridge event pattern and returns it typed. Accepts the
 * pattern as an object or as its JSON text (as PutRule's EventPattern takes it).
 * @throws InvalidEventPatternError when the pattern is malformed (the message says what and where).
 */
export function validateEventPattern(pattern: unknown): EventPattern {
  const value = typeof pattern === 'string' ? parsePatternText(pattern) : pattern;
  if (typeof value !== 'object' || value === null) {
    compilePattern(value); // not an object: always throws InvalidEventPatternError with the reason
    throw new InvalidEventPatternError('Filter is not an object', '$');
  }
  compileCached(value);
  return value as EventPattern;
}

/**
 * True when `event` matches `pattern` under EventBridge semantics.
 * @throws InvalidEventPatternError when the pattern is malformed.
 */
export function matchesEventPattern(pattern: EventPattern, event: unknown): boolean {
  return matchNode(compileCached(pattern), event);
}
