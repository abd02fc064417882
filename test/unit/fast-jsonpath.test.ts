/** The fast path for plain JSONPath queries answers exactly what jsonpath-plus answers. */
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { installFastJsonPath } from '../../local/sfn/fast-jsonpath';

type Query = (opts: { path: string; json: unknown; wrap: boolean }) => unknown;
const mod = createRequire(__filename)('jsonpath-plus') as { JSONPath: Query };
const original = mod.JSONPath;
installFastJsonPath();
const fast = mod.JSONPath;

const PATHS = ['$', '$.constructor', '$.toString', '$.a', '$.a.b', '$.a.b.c', '$.resume', '$.Payload', '$.plan.plan.notBefore', '$.x_1', '$.a[0]', '$.a[1]', '$.a[0].b', '$.resumes[0]', '$.a[01]', '$.a[0][1]', '$..a', "$['a']", '$.a.*', '$.length'];

describe('installFastJsonPath', () => {
  it('replaces the export the interpreter reads, once', () => {
    expect(fast).not.toBe(original);
    installFastJsonPath();
    expect(mod.JSONPath).toBe(fast);
  });

  it('answers like jsonpath-plus for plain and other paths over any JSON', () => {
    const key = fc.constantFrom('a', 'b', 'c', 'resume', 'resumes', '0', '1', 'Payload', 'plan', 'notBefore', 'x_1', 'length', 'constructor', 'toString');
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.constant(null), fc.boolean(), fc.integer(), fc.constantFrom('', 's', '0'), fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(key, tie('value'), { maxKeys: 4 })),
    })).value;
    fc.assert(
      fc.property(json, fc.constantFrom(...PATHS), (value, path) => {
        let expected: unknown;
        let expectedError: unknown;
        try {
          expected = original({ path, json: value, wrap: false });
        } catch (err) {
          expectedError = err;
        }
        if (expectedError !== undefined) {
          expect(() => fast({ path, json: value, wrap: false })).toThrow();
        } else {
          expect(fast({ path, json: value, wrap: false })).toEqual(expected);
        }
      }),
      { numRuns: 3000, seed: 8 },
    );
  });

  it('answers like jsonpath-plus for indexes into arrays (the Choice on $.resumes[0])', () => {
    const leaf = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.constantFrom('', 's'), fc.dictionary(fc.constantFrom('b', 'x'), fc.integer(), { maxKeys: 2 }), fc.array(fc.integer(), { maxLength: 2 }));
    const json = fc.record({ a: fc.oneof(fc.array(leaf, { maxLength: 3 }), leaf), resumes: fc.array(leaf, { maxLength: 2 }) });
    const paths = ['$.a[0]', '$.a[1]', '$.a[2]', '$.a[0].b', '$.a[0][1]', '$.resumes[0]', '$.resumes[1]', '$.resumes[0].x'];
    fc.assert(
      fc.property(json, fc.constantFrom(...paths), (value, path) => {
        expect(fast({ path, json: value, wrap: false })).toStrictEqual(original({ path, json: value, wrap: false }));
      }),
      { numRuns: 2000, seed: 8 },
    );
  });

  it('gives the same object, not a copy (as jsonpath-plus does)', () => {
    const inner = { b: 1 };
    expect(fast({ path: '$.a', json: { a: inner }, wrap: false })).toBe(original({ path: '$.a', json: { a: inner }, wrap: false }));
  });
});
