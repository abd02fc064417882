/**
 * Reads an event pattern from its JSON text. JSON.parse silently turns a number it cannot represent
 * into 0 (`1E-325`) or Infinity (`1E400`); EventBridge's engine reads the literal itself and rejects
 * such a number, so the literals are checked against what was parsed.
 */
import { InvalidEventPatternError } from './errors';

const NUMBER_LITERAL = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Number literals of a valid JSON text, in order (strings are skipped). */
function* numberLiterals(text: string): Generator<string> {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      NUMBER_LITERAL.lastIndex = i;
      const literal = NUMBER_LITERAL.exec(text)?.[0] ?? c;
      yield literal;
      i += literal.length - 1;
    }
  }
}

/** True when parsing changed the literal's kind of value: a non-zero literal read as 0, or any literal read as ±Infinity. */
function isLost(literal: string): boolean {
  const value = Number(literal);
  if (!Number.isFinite(value)) return true;
  return value === 0 && /[1-9]/.test(literal.replace(/[eE].*$/, ''));
}

export function parsePatternText(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (e) {
    throw new InvalidEventPatternError(`Event pattern is not valid JSON: ${(e as Error).message}`, '$');
  }
  for (const literal of numberLiterals(text)) {
    if (isLost(literal)) throw new InvalidEventPatternError(`The number ${literal} is out of range (it cannot be represented as a 64-bit float)`, '$');
  }
  return value;
}
