/**
 * Lint for the workflow files, the single source of truth for both runtimes: valid ASL, JSONPath
 * only (the local interpreter silently ignores JSONata, Assign and friends), bounded tasks, the
 * declared substitution keys, and error names that are exactly the core error classes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as errors from '../../core/errors';
import { ChatlineError, RETRYABLE_ERROR_NAMES } from '../../core/errors';
import type { WorkflowKey } from '../../workflows/definitions';
import { SUBSTITUTION_KEYS, WORKFLOWS, applySubstitutions, placeholdersIn } from '../../workflows/definitions';

interface AslValidationResult {
  readonly isValid: boolean;
  readonly errors: readonly { readonly message?: string }[];
  readonly errorsText: (separator?: string) => string;
}
// asl-validator 4 ships JavaScript only: `module.exports = function validator(definition, opts)`.
const aslValidator = require('asl-validator') as (definition: unknown, opts?: { checkPaths?: boolean; checkArn?: boolean }) => AslValidationResult;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type State = { [key: string]: Json };

const WORKFLOWS_DIR = join(__dirname, '..', '..', 'workflows');
const files = readdirSync(WORKFLOWS_DIR).filter((f) => f.endsWith('.asl.json')).sort();

function keyOf(file: string): WorkflowKey {
  const entry = Object.entries(WORKFLOWS).find(([, w]) => w.file === join(WORKFLOWS_DIR, file));
  if (!entry) throw new Error(`${file} is not declared in WORKFLOWS (workflows/definitions.ts)`);
  return entry[0] as WorkflowKey;
}

/** The definition with every placeholder replaced by a plausible value. */
function rendered(file: string): { [key: string]: Json } {
  const text = readFileSync(join(WORKFLOWS_DIR, file), 'utf8');
  const values = Object.fromEntries(
    placeholdersIn(text).map((k) => [k, k.endsWith('Arn') ? `arn:aws:lambda:us-east-1:000000000000:function:${k}` : `value-${k}`]),
  );
  return JSON.parse(applySubstitutions(text, values)) as { [key: string]: Json };
}

/** Every state, with its name, at any depth (Parallel branches, Map item processors). */
function statesOf(definition: Json): [string, State][] {
  const found: [string, State][] = [];
  const visit = (node: Json): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'States' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
        for (const [name, state] of Object.entries(value)) found.push([name, state as State]);
      }
      visit(value);
    }
  };
  visit(definition);
  return found;
}

/** ErrorEquals lists of every Retry (or Catch) of every state. */
function errorEquals(definition: Json, field: 'Retry' | 'Catch'): string[] {
  return statesOf(definition).flatMap(([, state]) =>
    ((state[field] ?? []) as { ErrorEquals: string[] }[]).flatMap((r) => r.ErrorEquals),
  );
}

/** The exported, concrete ChatlineError classes, and what they say about themselves. */
const errorClasses = (Object.values(errors) as unknown[])
  .filter((v): v is new (message: string) => ChatlineError => typeof v === 'function' && v.prototype instanceof ChatlineError)
  .map((C) => new C('lint'))
  .map((e) => ({ name: e.name, retryable: e.retryable }));

const isPredefinedOrService = (name: string) => name.startsWith('States.') || name.includes('.');

describe('Workflows', () => {
  it('has workflow files to lint, each declared in WORKFLOWS', () => {
    expect(files).toEqual(Object.values(WORKFLOWS).map((w) => w.file.split(/[\\/]/).at(-1)).sort());
  });

  it('finds the core error classes by instantiating them', () => {
    expect(errorClasses.map((e) => e.name).sort()).toEqual([
      'ConcurrentUpdateError',
      'ConnectThrottledError',
      'ConnectUnavailableError',
      'InvalidConfigError',
      'InvalidCursorError',
      'InvalidEventError',
      'InvalidTransitionError',
      'PastSessionNotReadyError',
    ]);
  });

  describe.each(files)('%s', (file) => {
    const text = readFileSync(join(WORKFLOWS_DIR, file), 'utf8');
    const definition = rendered(file);

    describe('aslValidator', () => {
      it('is valid Amazon States Language', () => {
        // Act (the validator annotates states in place: give it a copy)
        const result = aslValidator(structuredClone(definition), { checkPaths: true, checkArn: true });

        // Assess
        expect(result.errorsText('\n')).toBe('');
        expect(result.isValid).toBe(true);
      });

      it('reports an invalid copy (the validator is really checking)', () => {
        const broken = structuredClone(definition);
        broken['StartAt'] = 'NoSuchState';
        expect(aslValidator(broken).isValid).toBe(false);
      });
    });

    describe('JSONPath only', () => {
      it('declares no QueryLanguage and contains no JSONata expression', () => {
        expect(text).not.toContain('QueryLanguage');
        expect(text).not.toContain('{%');
      });

      it.each(['Assign', 'Arguments', 'Output', 'QueryLanguage', 'HeartbeatSeconds', 'HeartbeatSecondsPath'])('uses no %s field', (field) => {
        const offenders = statesOf(definition).filter(([, state]) => field in state).map(([name]) => name);
        expect(offenders).toEqual([]);
        expect(field in definition).toBe(false);
      });
    });

    describe('tasks', () => {
      const tasks = statesOf(definition).filter(([, s]) => s['Type'] === 'Task');

      it('has Task states', () => {
        expect(tasks.length).toBeGreaterThan(0);
      });

      it('bounds every Task with TimeoutSeconds', () => {
        const unbounded = tasks.filter(([, s]) => typeof s['TimeoutSeconds'] !== 'number').map(([name]) => name);
        expect(unbounded).toEqual([]);
      });

      it('retries every Lambda invoke on the transient Lambda errors AWS recommends, ClientExecutionTimeoutException among them', () => {
        // "Handle transient Lambda service exceptions" (Step Functions developer guide): the recommended retrier.
        const recommended = ['Lambda.ClientExecutionTimeoutException', 'Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException'];
        const lambdas = tasks.filter(([, s]) => s['Resource'] === 'arn:aws:states:::lambda:invoke');
        expect(lambdas.length).toBeGreaterThan(0);
        const missing = lambdas.flatMap(([name, s]) => {
          const retried = ((s['Retry'] ?? []) as { ErrorEquals: string[] }[]).flatMap((r) => r.ErrorEquals);
          return recommended.filter((e) => !retried.includes(e)).map((e) => `${name}: ${e}`);
        });
        expect(missing).toEqual([]);
      });

      it('uses no .waitForTaskToken integration', () => {
        const callbacks = tasks.filter(([, s]) => String(s['Resource']).endsWith('.waitForTaskToken')).map(([name]) => name);
        expect(callbacks).toEqual([]);
        expect(text).not.toContain('waitForTaskToken');
      });
    });

    describe('substitutions', () => {
      it('uses exactly the placeholders declared in SUBSTITUTION_KEYS', () => {
        expect(placeholdersIn(text)).toEqual([...SUBSTITUTION_KEYS[keyOf(file)]].sort());
      });
    });

    describe('error names', () => {
      it('names only States.*, service errors and core error classes in ErrorEquals', () => {
        const names = [...errorEquals(definition, 'Retry'), ...errorEquals(definition, 'Catch')];
        const custom = [...new Set(names.filter((n) => !isPredefinedOrService(n)))];
        const known = errorClasses.map((e) => e.name);
        expect(custom.filter((n) => !known.includes(n))).toEqual([]);
      });

      it('never retries a terminal error', () => {
        const terminal = errorClasses.filter((e) => !e.retryable).map((e) => e.name);
        expect(errorEquals(definition, 'Retry').filter((n) => terminal.includes(n))).toEqual([]);
      });
    });
  });

  it('retries every retryable core error somewhere', () => {
    const retried = new Set(files.flatMap((f) => errorEquals(rendered(f), 'Retry')));
    const retryable = errorClasses.filter((e) => e.retryable).map((e) => e.name);
    expect(retryable.filter((n) => !retried.has(n))).toEqual([]);
  });

  it('keeps RETRYABLE_ERROR_NAMES equal to the retryable error classes', () => {
    expect([...RETRYABLE_ERROR_NAMES].sort()).toEqual(errorClasses.filter((e) => e.retryable).map((e) => e.name).sort());
  });
});
