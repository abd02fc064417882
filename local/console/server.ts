/**
 * The console on its own loopback port, over any store and any Step Functions endpoint: what
 * `chatline console --aws` runs against a deployed stack (DynamoDB and Step Functions with the
 * operator's credentials). Read-only unless `allowRedrive`.
 */
import type { SFNClient } from '@aws-sdk/client-sfn';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BudgetConfig } from '../../core/budget';
import { DEFAULT_BUDGET_CONFIG } from '../../core/budget';
import type { ChatlineStore } from '../../core/store';
import { OpsQuery } from '../../ops/query';
import { consoleRoutes } from './routes';

export interface ConsoleServerOptions {
  readonly store: ChatlineStore;
  readonly sfn: SFNClient;
  readonly resumeChatArn: string;
  /** 0: any free port. */
  readonly port: number;
  readonly allowRedrive: boolean;
  readonly budget?: BudgetConfig;
}

export interface ConsoleServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function serveConsole(options: ConsoleServerOptions): Promise<ConsoleServer> {
  const ops = new OpsQuery({ store: options.store, sfn: options.sfn, resumeChatArn: options.resumeChatArn });
  const handle = consoleRoutes({ store: options.store, budget: options.budget ?? DEFAULT_BUDGET_CONFIG, ops: () => ops, allowRedrive: options.allowRedrive });
  const server = createServer((req, res) => {
    if (!handle(req, res)) res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not a console route\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
