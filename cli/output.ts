/** Output for people (tables) and for machines (`--json`). Progress goes to stderr, never stdout. */
import Table from 'cli-table3';

export function table(head: string[], rows: (string | number | undefined)[][]): string {
  const t = new Table({ head, style: { head: [], border: [] } });
  for (const r of rows) t.push(r.map((c) => (c === undefined ? '' : String(c))));
  return t.toString();
}

export function progress(enabled: boolean): (line: string) => void {
  return (line) => {
    if (enabled) process.stderr.write(`${line}\n`);
  };
}
