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
