/**
 * What the ops commands (resumptions, lineage, redrive) read: the ops query layer (ops/query.ts)
 * over a local stack's SQLite file and its Step Functions API, with the real SFN client over
 * HTTP. `chatline dev` keeps writing the file meanwhile; these commands only read it (SQLite WAL
 * lets readers and the one writer work at once) and change nothing but through the stack's API
 * (RedriveExecution), so they take no lock.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { LOCAL_REGION } from '../core/constants';
import type { ResumptionStatus } from '../core/ledger';
import { parseIsoInstant } from '../core/schemas';
import { DbPathError, StartupError } from '../local/startup-errors';
import { stateMachineArn } from '../local/stack';
import { SqliteStore } from '../local/store/sqlite-store';
import { OpsQuery, RESUMPTION_STATUSES } from '../ops/query';
import { WORKFLOWS } from '../workflows/definitions';

export const DEFAULT_DB = '.chatline/chatline.db';
export const DEFAULT_ENDPOINT = 'http://127.0.0.1:4577';

export interface SourceOptions {
  readonly db: string;
  readonly endpoint: string;
  readonly json?: boolean;
}

/** The options every ops command takes: where the stack is, and --json. */
export function withSourceOptions(command: Command): Command {
  return command
    .option('--db <path>', 'SQLite file of the local stack (what chatline dev --db writes)', DEFAULT_DB)
    .option('--endpoint <url>', "the local stack's endpoint (its Step Functions API)", endpoint, DEFAULT_ENDPOINT)
    .option('--json', 'print JSON for machines');
}

/** A stack that does not answer: the fix, not a socket error. */
export class EndpointUnreachableError extends StartupError {
  override readonly name = 'EndpointUnreachableError';
}

/**
 * Runs `fn` with the ops layer over --db and --endpoint and closes both after. A missing --db or
 * an endpoint nobody answers on is a StartupError (one line with the fix, exit 2).
 */
export async function withOps<T>(opts: SourceOptions, fn: (ops: OpsQuery) => Promise<T>): Promise<T> {
  const source = openSource(opts);
  try {
    return await fn(source.ops);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ECONNRESET'].includes(code)) {
      throw new EndpointUnreachableError(`no local stack answers at --endpoint ${opts.endpoint} (${code}): start chatline dev, or pass its --endpoint`);
    }
    throw err;
  } finally {
    source.close();
  }
}

function openSource(opts: SourceOptions): { ops: OpsQuery; close(): void } {
  if (!existsSync(opts.db) || !statSync(opts.db).isFile()) {
    throw new DbPathError(`no chatline database at --db ${opts.db}: pass the --db chatline dev writes (default ${DEFAULT_DB})`);
  }
  const store = new SqliteStore(opts.db);
  const sfn = new SFNClient({ endpoint: opts.endpoint, region: LOCAL_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 2 });
  const ops = new OpsQuery({ store, sfn, resumeChatArn: stateMachineArn(WORKFLOWS.resumeChat.name) });
  return {
    ops,
    close: () => {
      sfn.destroy();
      store.db.close();
    },
  };
}

function endpoint(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`must be a URL such as ${DEFAULT_ENDPOINT}; got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError(`must be an http(s) URL; got "${value}"`);
  return value.replace(/\/+$/, '');
}

/** --status: one or more of the ledger's statuses, comma-separated, any case. */
export function statuses(value: string, previous: ResumptionStatus[] = []): ResumptionStatus[] {
  const out = [...previous];
  for (const part of value.split(',').map((s) => s.trim().toUpperCase()).filter((s) => s !== '')) {
    if (!(RESUMPTION_STATUSES as readonly string[]).includes(part)) throw new InvalidArgumentError(`must be ${RESUMPTION_STATUSES.join(', ')} (comma-separated); got "${value}"`);
    if (!out.includes(part as ResumptionStatus)) out.push(part as ResumptionStatus);
  }
  return out;
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * --since: an ISO 8601 instant, or a duration back from `now` (30s, 15m, 2h, 7d, 1w). Returns
 * the ISO instant the store compares createdAt with.
 */
export function since(now: () => Date = () => new Date()) {
  return (value: string): string => {
    const d = /^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$/i.exec(value);
    if (d) return new Date(now().getTime() - Number(d[1]) * (UNIT_MS[(d[2] as string).toLowerCase()] as number)).toISOString();
    // Strict ISO-8601 (parseIsoInstant, as every input is read); a bare day means its start in UTC.
    const text = value.trim();
    const t = parseIsoInstant(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
    if (t === undefined) throw new InvalidArgumentError(`must be an ISO time between 1970 and 2100 (2026-12-04, 2026-12-04T00:00:00Z) or a duration back from now (30s, 15m, 2h, 7d, 1w); got "${value}"`);
    return new Date(t).toISOString();
  };
}

/** --limit: 1 to 1000 rows a page. */
export function pageLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new InvalidArgumentError(`must be a whole number 1-1000; got "${value}"`);
  return n;
}

export const writeOut = (text: string): void => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
