/**
 * The replay's progress bar: one line on a terminal (stderr), redrawn at most four times a
 * second, with the share of the file read, lines per second and the time left. Nothing is drawn
 * when stderr is not a terminal or with --json (the caller passes no stream then).
 */

export interface ReplayProgress {
  /** Lines taken from the file so far (blank lines not counted). */
  readonly lines: number;
  /** Lines whose delivery has finished. */
  readonly done: number;
  readonly bytesRead: number;
  /** The file's size (0 when unknown: no bar, no ETA). */
  readonly totalBytes: number;
  readonly elapsedMs: number;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** `[#########---------]  45%  450,000 lines  5,210 events/s  ETA 1m45s` */
export function progressLine(p: ReplayProgress, width = 24): string {
  const fraction = p.totalBytes > 0 ? Math.min(1, p.bytesRead / p.totalBytes) : 0;
  const filled = Math.round(fraction * width);
  const rate = p.elapsedMs > 0 ? (p.done * 1000) / p.elapsedMs : 0;
  // The time left from the bytes still to read at the rate they were read so far.
  const eta = fraction > 0 && fraction < 1 ? (p.elapsedMs / 1000) * ((1 - fraction) / fraction) : fraction >= 1 ? 0 : Number.NaN;
  const bar = p.totalBytes > 0 ? `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}%  ` : '';
  return `${bar}${p.done.toLocaleString('en-US')} lines  ${Math.round(rate).toLocaleString('en-US')} events/s  ETA ${duration(eta)}`;
}

export interface ProgressBar {
  update(p: ReplayProgress): void;
  /** Clears the bar (before the report is printed). */
  done(): void;
}

/** A bar drawn on `stream`, or one that draws nothing when `stream` is undefined. */
export function progressBar(stream: NodeJS.WritableStream | undefined, intervalMs = 250): ProgressBar {
  if (!stream) return { update: () => undefined, done: () => undefined };
  let last = 0;
  let drawn = false;
  return {
    update(p) {
      const now = Date.now();
      if (now - last < intervalMs) return;
      last = now;
      drawn = true;
      stream.write(`\r\x1b[2K${progressLine(p)}`);
    },
    done() {
      if (drawn) stream.write('\r\x1b[2K');
    },
  };
}
