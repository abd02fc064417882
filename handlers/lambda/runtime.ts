/**
 * What every chatline Lambda shares, built once per cold start: typed config from the environment
 * (failing fast on a missing variable), the DynamoDB store, the steps, Powertools logger and
 * metrics. The entry points beside this file are thin adapters over `steps`.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { budgetConfigFromEnv, plannerConfigFromEnv } from '../../core/config';
import { InvalidConfigError } from '../../core/errors';
import { TABLE_NAME_ENV } from '../dynamodb-schema';
import { DynamoDbStore } from '../dynamodb-store';
import { createSteps } from '../steps';

type Env = Readonly<Record<string, string | undefined>>;

/** Reads required variables, or throws one InvalidConfigError naming every missing one. */
export function requireEnv<K extends string>(env: Env, names: readonly K[]): Record<K, string> {
  const missing = names.filter((n) => !env[n]);
  if (missing.length > 0) throw new InvalidConfigError(`missing environment variable(s): ${missing.join(', ')}`);
  return Object.fromEntries(names.map((n) => [n, env[n] as string])) as Record<K, string>;
}

const env = requireEnv(process.env, [TABLE_NAME_ENV.lineage, TABLE_NAME_ENV.ledger, TABLE_NAME_ENV.events, TABLE_NAME_ENV.budget]);

export const logger = new Logger();
export const metrics = new Metrics();
export const store = new DynamoDbStore({
  client: new DynamoDBClient({}),
  tables: { lineage: env.LINEAGE_TABLE_NAME, ledger: env.LEDGER_TABLE_NAME, events: env.EVENTS_TABLE_NAME, budget: env.BUDGET_TABLE_NAME },
});
export const steps = createSteps({ store, config: plannerConfigFromEnv(process.env), budget: budgetConfigFromEnv(process.env) });

/**
 * Wraps a step for Lambda: logger context, metrics flushed on every exit. Errors are rethrown
 * unchanged: their `name` becomes the Step Functions error the workflows' ErrorEquals match.
 */
export function lambdaHandler<I, O>(step: (input: I) => Promise<O>): (input: I, context: Context) => Promise<O> {
  return async (input, context) => {
    logger.addContext(context);
    try {
      return await step(input);
    } catch (err) {
      logger.warn('step failed', { error: err as Error });
      throw err;
    } finally {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
}
