/**
 * Case-insensitive matching as EventBridge's engine (event-ruler) does it. event-ruler does not
 * case-fold the event value: it turns every character of the *pattern* into the set
 * { lower-case form, upper-case form } (Locale.ROOT, as UTF-8 bytes) and matches the event value
 * exactly against any concatenation of those forms (aws/event-ruler,
 * src/main/software/amazon/event/ruler/input/EqualsIgnoreCaseParser.java; the suffix form,
 * SuffixEqualsIgnoreCaseParser, does the same from the end). So the pattern "ΐK" (U+0390, U+212A
 * KELVIN SIGN) matches "Ϊ́k" (U+0390 upper-cases to three code points, U+212A lower-cases to "k"),
 * while the pattern "k" does not match the value "K" (U+212A), which plain case folding would.
 *
 * One deliberate difference: event-ruler walks Java chars (UTF-16 code units), so a character
 * outside the BMP becomes two lone surrogates that encode as '?'; we walk code points, so such a
 * character matches its own case forms (e.g. Deseret 𐐀 / 𐐨).
 */

/** The forms one pattern code point may take in the event value. */
function caseForms(codePoint: string): readonly string[] {
  const lower = codePoint.toLowerCase();
  const upper = codePoint.toUpperCase();
  return lower === upper ? [lower] : [lower, upper];
}

/** For each code point of a pattern, in order, the forms it may take in the event value. */
export type CaseForms = readonly (readonly string[])[];

/** The case forms of every code point of the pattern (done once, when the pattern is compiled). */
export function compileIgnoreCase(pattern: string): CaseForms {
  return Array.from(pattern, caseForms);
}

/**
 * The positions in `value` reachable after matching the forms of every pattern code point in turn:
 * forwards from the start, or backwards from the end (the suffix form).
 */
function reachable(value: string, forms: CaseForms, backwards: boolean): Set<number> {
  let positions = new Set([backwards ? value.length : 0]);
  for (const alternatives of backwards ? [...forms].reverse() : forms) {
    const next = new Set<number>();
    for (const p of positions) {
      for (const form of alternatives) {
        const from = backwards ? p - form.length : p;
        if (from >= 0 && value.startsWith(form, from)) next.add(backwards ? from : p + form.length);
      }
    }
    if (next.size === 0) return next;
    positions = next;
  }
  return positions;
}

/** True when the whole value is one of the case-form spellings of the pattern. */
export function equalsIgnoreCase(value: string, forms: CaseForms): boolean {
  return reachable(value, forms, false).has(value.length);
}

/** True when the value starts with one of the case-form spellings of the pattern. */
export function startsWithIgnoreCase(value: string, forms: CaseForms): boolean {
  return reachable(value, forms, false).size > 0;
}

/** True when the value ends with one of the case-form spellings of the pattern (matched from the end). */
export function endsWithIgnoreCase(value: string, forms: CaseForms): boolean {
  return reachable(value, forms, true).size > 0;
}
