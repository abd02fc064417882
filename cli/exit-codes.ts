/**
 * Every `chatline` command exits with one of these (README "Exit codes"):
 *   0    ok (and `dev` / `sim`, which run until stopped, stopped by a signal)
 *   1    a result not as expected (a use case, a rejected replay line, a failed resumption)
 *   2    bad usage or unreadable input, and every start-up problem (port in use, --db locked ...)
 *   130  stopped by SIGINT (Ctrl-C) before the result; 143 stopped by SIGTERM (128 + the signal)
 */
import { constants } from 'node:os';

export const EXIT = {
  ok: 0,
  notAsExpected: 1,
  usage: 2,
} as const;

/** 128 + the signal's number, the shell's convention for "ended by a signal". */
export function exitCodeForSignal(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}
