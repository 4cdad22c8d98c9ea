// Process-wide V8 settings the live loop depends on. Plain Node (node:v8), so every host that
// runs the monitor (Electron's main process, `risk-desk serve`, the benchmarks) gets the same.
import v8 from 'node:v8';

let applied = false;

/**
 * Turns off V8's allocation-site pretenuring. The first refresh cycle keeps a snapshot of every
 * portfolio alive, so V8 learns that snapshots and figures "survive" and from then on allocates
 * them straight into the old generation. In the live loop each lives ~10 to 50 ms, so the old
 * generation filled with garbage and a full mark-compact ran every ~1.3 s at 1,000 ticks/s. Left
 * in the young generation they die in cheap scavenges: in bench/monitor.bench.ts (7 ms window)
 * full collections fell from 17 to 4 in 20 s and the p99 latency from 18-20 ms to 12 ms.
 * V8 reads the flag when it decides, so setting it at run time takes effect; idempotent.
 * Only this flag is set here: collector flags changed at run time can abort V8 (tried:
 * `--single-threaded-gc` set after start failed a CHECK in the next collection). Flags that must
 * be set at launch are documented in docs/performance.md instead.
 */
export function keepShortLivedObjectsYoung(): void {
  if (applied) return;
  applied = true;
  v8.setFlagsFromString('--no-allocation-site-pretenuring');
}
