// Small helpers every bench uses, so figures print the same way.
export function ms(ns: bigint | number): string {
  return `${(Number(ns) / 1e6).toFixed(2)} ms`;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = (sorted.length - 1) * p;
  const lo = Math.floor(i);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (i - lo);
}

export function rssMb(): string {
  return `${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`;
}

/** Prints one figure: name, value, and the target it is measured against. */
export function report(name: string, value: string, target?: string): void {
  console.log(`  ${name.padEnd(44)} ${value.padStart(14)}${target ? `   (target ${target})` : ''}`);
}

/**
 * How steady this machine's CPU time is right now: identical chunks of arithmetic, each timed in
 * process CPU time (ms per chunk: p10, median, p90). A virtual machine whose host does not report
 * steal time charges the host's turns to whatever was running, so in a busy minute the same work
 * reads slower (on the development VM the p90 has read 1.7x the p10); a CPU figure measured in
 * such a minute reads high by about as much.
 */
export function cpuSteadiness(seconds: number): { p10: number; median: number; p90: number } {
  const times: number[] = [];
  let sink = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const c0 = processCpuMs();
    sink += steadinessChunk();
    times.push(processCpuMs() - c0);
  }
  if (Number.isNaN(sink)) throw new Error('unreachable: the chunk sums finite numbers');
  times.sort((x, y) => x - y);
  return { p10: percentile(times, 0.1), median: percentile(times, 0.5), p90: percentile(times, 0.9) };
}

function processCpuMs(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}

// One function and one array for every call: made anew per call, the JIT's code for them differed
// from call to call (the same chunk read 1.4 ms in one call and 4.2 ms in the next).
const steadinessData = Float64Array.from({ length: 4096 }, (_, i) => Math.sin(i));
function steadinessChunk(): number {
  const a = steadinessData;
  let s = 0;
  for (let k = 0; k < 500; k++) for (let i = 0; i < a.length; i++) s += a[i] * a[(i + k) & 4095];
  return s;
}
