/**
 * How far V8 lets a replay's heap grow between full collections. A replay is a batch job with a
 * small live heap (about 40 MB: the code, the simulator's 10,000 contacts in memory, what is in
 * flight) and a high allocation rate. When collecting is cheap, V8 lets the old generation grow
 * to up to 4× what survived the last full collection before collecting again
 * (MemoryController::GrowingFactor in V8's src/heap/heap-controller.cc), so a replay's RSS
 * settled at 340-370 MB with 40 MB live (`node --trace-gc`: "Mark-Compact 171.2 -> 48.2 MB").
 * The factor's flag is read at every collection, so the replay can set it once it runs: 1.5×
 * gives more full collections, a few ms each at 40 MB live, and keeps a million-event replay's
 * peak RSS under 300 MB (bench/replay-million.ts).
 */
import { setFlagsFromString } from 'node:v8';

export const REPLAY_HEAP_GROWING_PERCENT = 50;

export function boundHeapGrowth(percent: number = REPLAY_HEAP_GROWING_PERCENT): void {
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
