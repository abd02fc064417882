/**
 * Issue 12: chatline as a library a CDK app installs. `npm pack` (its prepack builds dist/), the
 * tarball installed into a fresh CDK app in a temporary folder outside the checkout (from the npm
 * cache, or the registry; install scripts off: the construct needs no native module), a
 * TypeScript app that imports `chatline/infra` type-checked against the shipped declarations,
 * then synthesized offline with cdk-nag's AwsSolutions checks. Its template is the committed
 * baseline's: the installed construct deploys the same Lambda code (the shipped bundles hash as
 * NodejsFunction's do in a checkout) and the same workflow definitions.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SAMPLE } from '../../infra/app';

const ROOT = join(__dirname, '..', '..');
const TSC = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
const lockVersion = (name: string): string =>
  (JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> }).packages[`node_modules/${name}`]?.version ?? 'missing';

const run = (cmd: string, args: string[], cwd: string): string =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1', CDK_DISABLE_CLI_TELEMETRY: 'true', AWS_EC2_METADATA_DISABLED: 'true' } });

/** The template without what depends on where it was synthesized (construct metadata). */
function comparable(template: { Resources: Record<string, { Metadata?: unknown }> }): unknown {
  return { ...template, Resources: Object.fromEntries(Object.entries(template.Resources).map(([id, r]) => [id, { ...r, Metadata: undefined }])) };
}

const APP = `import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ChatlineOrchestrator, ChatlineStack } from 'chatline/infra';
import type { ChatlineOrchestratorProps } from 'chatline/infra';

const context: Record<string, unknown> = CONTEXT;
const app = new App({ outdir: 'cdk.out', context, analyticsReporting: false });
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
const orchestrator: ChatlineOrchestratorProps = { connectInstanceArn: SAMPLE.connectInstanceArn };
const stack = new ChatlineStack(app, SAMPLE.stackName, {
  env: { account: SAMPLE.account, region: SAMPLE.region },
  description: 'chatline: resumes Amazon Connect chats with CreatePersistentContactAssociation',
  orchestrator,
});
const typed: ChatlineOrchestrator = stack.orchestrator;
void typed.resumeChatStateMachine.stateMachineArn;
app.synth();
`;

describe('the npm package', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'chatline-package-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('packs, installs into a fresh CDK app outside the checkout, type-checks and synthesizes with cdk-nag to the baseline template', () => {
    // npm pack runs prepack (the build) first; its report is the JSON after the build's output.
    const out = run('npm', ['pack', '--json', '--pack-destination', dir], ROOT);
    const packed = JSON.parse(out.slice(out.search(/^\[/m))) as { filename: string; files: { path: string }[] }[];
    const tarball = join(dir, packed[0]?.filename ?? 'missing.tgz');
    const shipped = (packed[0]?.files ?? []).map((f) => f.path);
    expect(shipped).toEqual(expect.arrayContaining(['dist/infra/index.js', 'dist/infra/index.d.ts', 'dist/workflows/resume-chat.asl.json', 'dist/workflows/contact-events.asl.json', 'dist/lambda/plan-resumption/index.js', 'bin/chatline.cjs']));
    expect(shipped.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]); // compiled, no sources

    const app = join(dir, 'app');
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({
        name: 'a-cdk-app',
        version: '0.0.0',
        private: true,
        dependencies: { chatline: `file:${tarball}`, 'aws-cdk-lib': lockVersion('aws-cdk-lib'), constructs: lockVersion('constructs'), 'cdk-nag': lockVersion('cdk-nag') },
      }),
    );
    // As `cdk init app --language typescript` writes it (NodeNext), with no type roots of its own.
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, types: [], outDir: 'out' }, files: ['app.ts'] }));
    const context = (JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;
    writeFileSync(join(app, 'app.ts'), `const SAMPLE = ${JSON.stringify(SAMPLE)};\n${APP.replace('CONTEXT', JSON.stringify(context))}`);
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], app);

    run(process.execPath, [TSC, '-p', app], app);
    run(process.execPath, [join(app, 'out', 'app.js')], app);

    const assembly = join(app, 'cdk.out');
    const template = JSON.parse(readFileSync(join(assembly, `${SAMPLE.stackName}.template.json`), 'utf8')) as { Resources: Record<string, { Type: string; Metadata?: unknown }> };
    const baseline = JSON.parse(readFileSync(join(ROOT, 'infra', 'baseline', `${SAMPLE.stackName}.template.json`), 'utf8')) as typeof template;
    expect(comparable(template)).toEqual(comparable(baseline));
    // Each function's code is an asset of the app holding the shipped bundle, nothing of the checkout.
    const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(functions).toHaveLength(4);
    const assets = JSON.parse(readFileSync(join(assembly, `${SAMPLE.stackName}.assets.json`), 'utf8')) as { files: Record<string, { source: { path: string } }> };
    for (const f of functions) {
      const key = (f as unknown as { Properties: { Code: { S3Key: string } } }).Properties.Code.S3Key.replace(/\.zip$/, '');
      expect(readdirSync(join(assembly, assets.files[key]?.source.path ?? 'missing'))).toEqual(['index.js']);
    }
    expect(readFileSync(join(assembly, `${SAMPLE.stackName}.template.json`), 'utf8')).not.toContain(ROOT);

    // The command ships too, compiled.
    expect(run(join(app, 'node_modules', '.bin', 'chatline'), ['--version'], app).trim()).toBe(lockVersion('chatline') === 'missing' ? (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version : lockVersion('chatline'));
  }, 240_000);
});
