/**
 * Stopping on SIGINT / SIGTERM, the same way for every command:
 *  - the first signal aborts `signal` (loops stop taking work), runs the registered stops, newest
 *    first (close the stack: the engine suspends, running executions stay journaled and the next
 *    start on the same --db continues them), then exits with the command's code;
 *  - a second signal, or stops still running after `graceMs`, exits at once.
 * A command calls `shutdown.arm()` when it starts work, `shutdown.onStop(close)` for each thing it
 * opens, and checks `shutdown.signal` in its loops.
 */
import { exitCodeForSignal } from './exit-codes';

export type Stop = () => Promise<void> | void;

/** The parts of `process` the controller uses (a test passes its own). */
export interface ProcessLike {
  once(event: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  removeListener(event: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  exit(code: number): never | void;
}

export interface ArmOptions {
  /** What the process exits with after a clean stop (default 128 + the signal: the result is missing). */
  readonly exitCode?: (signal: NodeJS.Signals) => number;
  /** How long the stops may take before the process exits anyway. Default 4000 ms. */
  readonly graceMs?: number;
  /** Where the one-line notices go. Default stderr. */
  readonly say?: (line: string) => void;
}

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

export class Shutdown {
  private readonly controller = new AbortController();
  private readonly stops = new Set<Stop>();
  private options: ArmOptions = {};
  private armed = false;
  private stopping: Promise<void> | undefined;

  constructor(private readonly proc: ProcessLike = process) {}

  /** Aborted on the first signal: stop taking work. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True once a stop was asked for (errors that follow are the stop's, not the command's). */
  get requested(): boolean {
    return this.controller.signal.aborted;
  }

  /** Registers a stop; the returned function unregisters it (when the command closed it itself). */
  onStop(stop: Stop): () => void {
    this.stops.add(stop);
    return () => void this.stops.delete(stop);
  }

  /** Listens for SIGINT and SIGTERM. Calling it again only replaces the options. */
  arm(options: ArmOptions = {}): void {
    this.options = options;
    if (this.armed) return;
    this.armed = true;
    for (const s of SIGNALS) this.proc.once(s, this.onSignal);
  }

  /** Stops as the first signal would (also for a command that ends early on its own). */
  stop(signal: NodeJS.Signals): Promise<void> {
    this.stopping ??= this.runStops(signal);
    return this.stopping;
  }

  private readonly onSignal = (signal: NodeJS.Signals): void => {
    if (this.stopping) return this.exitNow(signal);
    // Listen for the second signal before anything else can block.
    for (const s of SIGNALS) {
      this.proc.removeListener(s, this.onSignal);
      this.proc.once(s, this.exitNow);
    }
    void this.stop(signal);
  };

  private readonly exitNow = (signal: NodeJS.Signals): void => {
    this.say(`chatline: ${signal} again, exiting now`);
    this.proc.exit(exitCodeForSignal(signal));
  };

  private async runStops(signal: NodeJS.Signals): Promise<void> {
    const graceMs = this.options.graceMs ?? 4000;
    this.say(`chatline: ${signal}, stopping (unfinished work stays in the journal; ${signal} again to exit now)`);
    this.controller.abort(new Error(`stopped by ${signal}`));
    const overdue = setTimeout(() => {
      this.say(`chatline: still stopping after ${graceMs / 1000} s, exiting`);
      this.proc.exit(exitCodeForSignal(signal));
    }, graceMs);
    for (const stop of [...this.stops].reverse()) {
      try {
        await stop();
      } catch (err) {
        this.say(`chatline: while stopping: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    clearTimeout(overdue);
    this.proc.exit((this.options.exitCode ?? exitCodeForSignal)(signal));
  }

  private say(line: string): void {
    (this.options.say ?? ((l: string) => process.stderr.write(`${l}\n`)))(line);
  }
}

/** The process's one controller, shared by every command. */
export const shutdown = new Shutdown();
