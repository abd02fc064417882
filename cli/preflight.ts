/** Start-up checks of the CLI's own flags, before a stack starts: one line with the fix, exit 2. */
import { get as httpGetPlain } from 'node:http';
import { get as httpsGet } from 'node:https';
import { StartupError } from '../local/startup-errors';

/** Bad usage found after parsing (flags that contradict each other, a malformed URL). */
export class UsageError extends StartupError {
  override readonly name = 'UsageError';
}

export interface ConnectEndpointInfo {
  /** It answers the simulator's /_sim/ routes: a `chatline sim`. */
  readonly chatlineSimulator: boolean;
}

/**
 * --connect-endpoint must answer before the stack relies on it: a dead one would otherwise show
 * as every association failing a minute later. Any HTTP answer counts as alive.
 */
export async function checkConnectEndpoint(url: string, timeoutMs = 3000): Promise<ConnectEndpointInfo> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--connect-endpoint must be a URL such as http://127.0.0.1:4599; got "${url}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError(`--connect-endpoint must be http:// or https://; got "${url}"`);
  try {
    const { status, json } = await httpGet(new URL('/_sim/stats', parsed), timeoutMs);
    return { chatlineSimulator: status === 200 && json };
  } catch (err) {
    const cause = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new StartupError(
      `--connect-endpoint ${url} does not answer (${cause}): start it first, e.g. chatline sim --port ${parsed.port || 4599} --events-endpoint <this stack's URL>`,
    );
  }
}

/** node:http rather than fetch: fetch refuses some ports outright ("bad port"), the SDK does not. */
function httpGet(url: URL, timeoutMs: number): Promise<{ status: number; json: boolean }> {
  const get = url.protocol === 'https:' ? httpsGet : httpGetPlain;
  return new Promise((resolve, reject) => {
    const req = get(url, { timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: (res.headers['content-type'] ?? '').includes('json') }));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
  });
}
