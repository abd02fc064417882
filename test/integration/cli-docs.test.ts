/**
 * The README documents the CLI as `--help` prints it: every command `chatline --help` lists has a
 * row in the README's command table, and every option a command's `--help` lists is in the
 * README's options table (the simulator's in simulator/README.md), so the docs cannot fall behind.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'chatline.cjs');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const SIM_README = readFileSync(join(ROOT, 'simulator', 'README.md'), 'utf8');

function help(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [BIN, ...args, '--help'], { timeout: 60_000, env: { ...process.env, COLUMNS: '200' } }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}

/** The lines of one section ("Options:", "Commands:") of commander's help. */
function section(text: string, title: string): string[] {
  const lines = text.split('\n');
  const start = lines.indexOf(title);
  if (start < 0) return [];
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((l) => !l.startsWith(' ') && l.trim() !== '');
  return rest.slice(0, end < 0 ? undefined : end);
}

/** Long option names at the start of option lines (`  --db <path>  ...`, `  -V, --version ...`). */
const optionsOf = (text: string): string[] =>
  section(text, 'Options:').flatMap((l) => /^\s{2}(?:-\w, )?(--[\w-]+)/.exec(l)?.[1] ?? []);

/** The README's CLI section: from "## CLI" to the next "## " heading. */
const cliSection = README.slice(README.indexOf('## CLI\n'), README.indexOf('\n## ', README.indexOf('## CLI\n') + 1));

describe('the README documents the CLI as --help prints it', () => {
  let commands: string[] = [];
  beforeAll(async () => {
    commands = section(await help([]), 'Commands:').flatMap((l) => /^\s{2}(\w[\w-]*)/.exec(l)?.[1] ?? []).filter((c) => c !== 'help');
  });

  it('lists the commands it has', () => {
    expect(commands).toEqual(expect.arrayContaining(['demo', 'replay', 'dev', 'sim']));
  });

  it('has a row for every command in the README command table', () => {
    const missing = commands.filter((c) => !cliSection.includes(`| \`npx chatline ${c}`));
    expect(missing).toEqual([]);
  });

  it('documents every option of every command', async () => {
    const missing: string[] = [];
    for (const command of commands) {
      for (const option of optionsOf(await help([command]))) {
        const row = ['--help', '--version'].includes(option) ? 'every command' : command;
        const documented = command === 'sim' && row === command
          ? new RegExp(`${option}(?![\\w-])`).test(SIM_README)
          : new RegExp(`^\\| ${row} \\| (\`-\\w\`, )?\`${option}[\` ]`, 'm').test(cliSection);
        if (!documented) missing.push(`${command} ${option}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('documents no option a command does not have', async () => {
    const extra: string[] = [];
    for (const command of commands.filter((c) => c !== 'sim')) {
      const real = new Set(optionsOf(await help([command])));
      for (const m of cliSection.matchAll(new RegExp(`^\\| ${command} \\| \`(--[\\w-]+)`, 'gm'))) {
        if (!real.has(m[1] ?? '')) extra.push(`${command} ${m[1] ?? ''}`);
      }
    }
    expect(extra).toEqual([]);
  });
});
