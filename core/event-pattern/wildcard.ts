/**
 * EventBridge `wildcard` values: `*` matches zero or more characters, `\*` is a literal asterisk,
 * `\\` a literal backslash. Consecutive `*` and any other backslash escape are invalid.
 */

const REGEX_SPECIAL = /[.*+?^${}()|[\]\\]/g;

/** Compiles a wildcard value to an anchored RegExp; returns a reason string when malformed. */
export function compileWildcard(value: string): RegExp | string {
  let source = '';
  let previousWasWildcard = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value.charAt(i);
    if (ch === '*') {
      if (previousWasWildcard) return `Consecutive wildcard characters are not allowed in "${value}"`;
      source += '[\\s\\S]*';
      previousWasWildcard = true;
      continue;
    }
    previousWasWildcard = false;
    if (ch === '\\') {
      const next = value.charAt(i + 1);
      if (next !== '*' && next !== '\\') {
        return `Backslash must escape '*' or '\\' in wildcard "${value}"`;
      }
      source += next.replace(REGEX_SPECIAL, '\\$&');
      i++;
      continue;
    }
    source += ch.replace(REGEX_SPECIAL, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
