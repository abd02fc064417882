/**
 * `npm run build` (and `prepack`, so `npm pack` and `npm publish` always ship a fresh build): the
 * npm package's dist/.
 *   dist/<folder>/*.js + *.d.ts   the TypeScript compiled (tsconfig.build.json); `chatline/infra`
 *                                 is dist/infra/index.js, the `chatline` command dist/cli/main.js
 *   dist/workflows/*.asl.json     the workflow files, next to the definitions module that reads them
 *   dist/local/console/assets/*   the console's page script and styles
 *   dist/lambda/<entry>/index.js  each Lambda step bundled with esbuild, as NodejsFunction bundles
 *                                 it at synth in a checkout (LAMBDA_BUNDLE); the installed construct
 *                                 deploys these, so a CDK app needs no esbuild and no Docker
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildSync } from 'esbuild';
import { LAMBDA_BUNDLE, LAMBDA_ENTRIES } from './chatline-orchestrator';

const ROOT = join(__dirname, '..');
const DIST = join(ROOT, 'dist');

rmSync(DIST, { recursive: true, force: true });
const tsc = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
execFileSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });

for (const file of readdirSync(join(ROOT, 'workflows')).filter((f) => f.endsWith('.asl.json'))) {
  copyFileSync(join(ROOT, 'workflows', file), join(DIST, 'workflows', file));
}

// The console's page script and styles, next to the routes module that serves them.
mkdirSync(join(DIST, 'local', 'console', 'assets'), { recursive: true });
for (const file of readdirSync(join(ROOT, 'local', 'console', 'assets'))) copyFileSync(join(ROOT, 'local', 'console', 'assets', file), join(DIST, 'local', 'console', 'assets', file));

for (const entry of Object.values(LAMBDA_ENTRIES)) {
  buildSync({
    entryPoints: [join(ROOT, 'handlers', 'lambda', entry)],
    outfile: join(DIST, 'lambda', entry.replace(/\.ts$/, ''), 'index.js'),
    bundle: true,
    platform: 'node',
    format: LAMBDA_BUNDLE.format,
    target: LAMBDA_BUNDLE.target,
    minify: LAMBDA_BUNDLE.minify,
    keepNames: LAMBDA_BUNDLE.keepNames,
    sourcemap: LAMBDA_BUNDLE.sourceMap,
    logLevel: 'warning',
  });
}
process.stderr.write(`built ${DIST}\n`);
