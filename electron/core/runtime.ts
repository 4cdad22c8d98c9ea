// Process-wide V8 settings the live loop depends on. Plain Node (node:v8), so every host that
// runs the monitor (Electron's main process, `risk-desk serve`, the benchmarks) gets the same.
import v8 from 'node:v8';

let applied = false;

/**
 * Sets the two collector flags the live loop is measured with (bench/monitor.bench.ts). V8 reads
 * both when it decides, so setting them at run time takes effect; idempotent.
 *
 * - No allocation-site pretenuring. The first refresh cycle keeps a snapshot of every portfolio
 *   alive, so V8 learned that snapshots and figures "survive" and from then on allocated them
 *   straight into the old generation. In the live loop each lives ~10 to 50 ms, so the old
 *   generation filled with garbage and a full mark-compact ran every ~1.3 s at 1,000 ticks/s. Left
 *   in the young generation they die in cheap scavenges: full collections fell from 17 to 4 in
 *   20 s and the p99 latency from 18-20 ms to 12 ms (7 ms window).
 * - Scavenges on the main thread only. Helper threads took ~3% of a core more for the same
 *   collections (two cores, the feed's other process on one of them): at a 6 ms window 47% to 49%
 *   of a core instead of 51%, the p99 latency 8.8 ms instead of 8.6 ms (two runs each).
 *   background.scavenge.parallel in --trace-gc-nvp reads 0 once this is set.
 *
 * Only these are set here: other collector flags changed at run time can abort V8 (tried:
 * `--single-threaded-gc` set after start failed a CHECK in the next collection).
 */
export function tuneGarbageCollection(): void {
  if (applied) return;
  applied = true;
  v8.setFlagsFromString('--no-allocation-site-pretenuring');
  v8.setFlagsFromString('--no-parallel-scavenge');
}
