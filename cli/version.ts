/**
 * The package's version, from the nearest package.json above this file: the checkout's (cli/..)
 * or, compiled, the installed package's (dist/cli/../..).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

function packageVersion(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
    if (dirname(dir) === dir) return '0.0.0';
  }
}

export const VERSION: string = packageVersion(__dirname);
