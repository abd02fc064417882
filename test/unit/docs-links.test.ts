/**
 * The repository stands on its own: no file cites a path on the machine it was written on or the
 * research notes behind it (the facts are in docs/sources.md, each with its public source), and
 * every relative markdown link, every mention of a markdown file and every `#anchor` resolves to
 * a file and a heading that exist.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const EXCLUDED = [/^node_modules\//, /(^|\/)dist\//, /^infra\/baseline\//];

/** Tracked files, plus new files not yet added (not the ignored ones), that still exist. */
function repoFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  return [...new Set(out.split('\0'))]
    .filter((f) => f !== '' && !EXCLUDED.some((re) => re.test(f)))
    .filter((f) => existsSync(join(ROOT, f)) && statSync(join(ROOT, f)).isFile())
    .sort();
}

const FILES = repoFiles();
const BASENAMES = new Set(FILES.map((f) => posix.basename(f)));
const TOP_LEVEL = new Set(FILES.map((f) => f.split('/')[0]!));
const text = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

/** Markdown without its fenced code blocks (a `# comment` in a bash block is not a heading). */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const [, heading] of prose(markdown).matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const slug = heading!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}

/** '' if `target` (relative to `fromDir`, posix) is a file or directory with the anchor, else why not. */
function unresolved(fromDir: string, target: string): string {
  const [path, anchor] = target.split('#', 2) as [string, string | undefined];
  const full = join(ROOT, fromDir, decodeURIComponent(path));
  if (!existsSync(full)) return 'no such file';
  if (anchor === undefined || anchor === '' || !full.endsWith('.md')) return '';
  return anchorsOf(readFileSync(full, 'utf8')).has(anchor) ? '' : `no heading with anchor #${anchor}`;
}

describe('no file cites anything outside the repository', () => {
  const rules: [string, RegExp][] = [
    ['an absolute path on the machine it was written on', /\/work\//],
    ['a research note (reference/<name>.md)', /\breference\/[\w.-]+\.md\b/],
    ['the performance research notes', /\bperf-anchors\b/],
  ];

  it.each(rules)('no file mentions %s', (_what, pattern) => {
    const hits = FILES.flatMap((f) =>
      text(f).split('\n').flatMap((line, i) => (pattern.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(hits).toEqual([]);
  });

  it('every markdown file named without a folder (README.md, …) is a file in the repository', () => {
    const missing = FILES.flatMap((f) =>
      [...text(f).matchAll(/(?<![\w./-])([\w-]+\.md)\b/g)]
        .map((m) => m[1]!)
        .filter((name) => !BASENAMES.has(name))
        .map((name) => `${f}: ${name}`),
    );
    expect(missing).toEqual([]);
  });
});

describe('links and anchors resolve', () => {
  const markdown = FILES.filter((f) => f.endsWith('.md'));

  it('the docs are there to check', () => {
    expect(markdown).toEqual(expect.arrayContaining(['README.md', 'docs/deploy.md', 'docs/sources.md', 'simulator/README.md']));
  });

  it('every relative markdown link points at an existing file and heading', () => {
    const broken = markdown.flatMap((f) =>
      [...prose(text(f)).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
        .map((m) => m[1]!)
        .filter((target) => !/^([a-z][a-z0-9+.-]*:|\/\/)/i.test(target))
        .map((target) => [target, unresolved(dirname(f), target.startsWith('#') ? `${posix.basename(f)}${target}` : target)] as const)
        .filter(([, why]) => why !== '')
        .map(([target, why]) => `${f}: (${target}) ${why}`),
    );
    expect(broken).toEqual([]);
  });

  it('every repository path to a markdown file mentioned anywhere (a comment citing docs/sources.md and one of its anchors, …) resolves', () => {
    const broken = FILES.flatMap((f) =>
      [...text(f).matchAll(/(?<![\w./:#-])((?:[\w.-]+\/)*[\w.-]+\.md(?:#[\w-]+)?)/g)]
        .map((m) => m[1]!)
        .filter((target) => TOP_LEVEL.has(target.split(/[/#]/)[0]!))
        .map((target) => [target, unresolved('', target)] as const)
        .filter(([target, why]) => why !== '' && unresolved(dirname(f), target) !== '')
        .map(([target, why]) => `${f}: ${target} ${why}`),
    );
    expect(broken).toEqual([]);
  });

  it('anchors follow GitHub: punctuation dropped, spaces to hyphens, repeats numbered', () => {
    expect([...anchorsOf('# A `b` (c; d)\n## A `b` (c; d)\n```\n# not a heading\n```\n### [Link](README.md) here')]).toEqual([
      'a-b-c-d',
      'a-b-c-d-1',
      'link-here',
    ]);
  });
});
