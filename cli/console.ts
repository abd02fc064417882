/**
 * `chatline console`: the operator console. Locally the stack serves it on its own port (this
 * command checks it answers and prints where); with --aws it runs the same console on 127.0.0.1
 * against a deployed stack, with the operator's own AWS credentials (the SDK's default chain):
 * DynamoDB for lineage and ledger, Step Functions for executions and redrive. Endpoints follow
 * the SDK's AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL_SFN, so local AWS-compatible servers work.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { Command, InvalidArgumentError } from 'commander';
import { TABLE_NAME_ENV } from '../handlers/dynamodb-schema';
import { DynamoDbStore } from '../handlers/dynamodb-store';
import { serveConsole } from '../local/console/server';
import { UsageError } from './preflight';
import { shutdown } from './shutdown';
import { EXIT } from './exit-codes';

interface ConsoleOptions {
  url: string;
  aws?: boolean;
  port: number;
  resumeChatArn?: string;
  lineageTable?: string;
  ledgerTable?: string;
  budgetTable?: string;
  eventsTable?: string;
  allowRedrive?: boolean;
}

const port = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port, 0-65535');
  return n;
};

function need(value: string | undefined, flag: string, env: string): string {
  const v = value ?? process.env[env];
  if (!v) throw new UsageError(`--aws needs ${flag} (or ${env}): the stack's outputs name it`);
  return v;
}

async function runConsole(opts: ConsoleOptions): Promise<void> {
  if (!opts.aws) {
    const url = opts.url.replace(/\/$/, '');
    const res = await fetch(`${url}/`, { method: 'HEAD' }).catch((err: unknown) => {
      throw new UsageError(`no local stack answers at ${url} (${(err as Error).message}): start it with npm start, or pass --url`);
    });
    if (!res.ok) throw new UsageError(`${url}/ answered ${res.status}: is it a chatline local stack?`);
    process.stdout.write(`chatline console: ${url}/\n`);
    return;
  }
  const store = new DynamoDbStore({
    client: new DynamoDBClient({}),
    tables: {
      lineage: need(opts.lineageTable, '--lineage-table', TABLE_NAME_ENV.lineage),
      ledger: need(opts.ledgerTable, '--ledger-table', TABLE_NAME_ENV.ledger),
      budget: need(opts.budgetTable, '--budget-table', TABLE_NAME_ENV.budget),
      events: need(opts.eventsTable, '--events-table', TABLE_NAME_ENV.events),
    },
  });
  const resumeChatArn = need(opts.resumeChatArn, '--resume-chat-arn', 'RESUME_CHAT_STATE_MACHINE_ARN');
  shutdown.arm({ exitCode: () => EXIT.ok });
  const server = await serveConsole({ store, sfn: new SFNClient({}), resumeChatArn, port: opts.port, allowRedrive: opts.allowRedrive === true });
  shutdown.onStop(() => server.close());
  process.stdout.write(`chatline console (AWS, ${opts.allowRedrive ? 'redrive allowed' : 'read-only'}): ${server.url}/\n`);
}

export function consoleCommand(): Command {
  return new Command('console')
    .description('the operator console: print the local stack\'s, or with --aws serve one on 127.0.0.1 against a deployed stack')
    .option('--url <url>', 'the local stack whose console to open', 'http://127.0.0.1:4577')
    .option('--aws', 'serve the console against a deployed stack with your AWS credentials (DynamoDB, Step Functions)')
    .option('--port <n>', 'port of the --aws console on 127.0.0.1', port, 4578)
    .option('--resume-chat-arn <arn>', 'the ResumeChatStateMachineArn output [env RESUME_CHAT_STATE_MACHINE_ARN]')
    .option('--lineage-table <name>', 'the LineageTableName output [env LINEAGE_TABLE_NAME]')
    .option('--ledger-table <name>', 'the LedgerTableName output [env LEDGER_TABLE_NAME]')
    .option('--budget-table <name>', 'the BudgetTableName output [env BUDGET_TABLE_NAME]')
    .option('--events-table <name>', 'the EventsTableName output [env EVENTS_TABLE_NAME]')
    .option('--allow-redrive', 'let the --aws console redrive (needs states:RedriveExecution); read-only without it')
    .action(runConsole);
}
