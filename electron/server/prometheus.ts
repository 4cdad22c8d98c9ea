// A small Prometheus registry and text-format (0.0.4) renderer: counters the server bumps,
// gauges read at scrape time, and one histogram kind. Enough for /metrics without a dependency.
type Labels = Record<string, string>;

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function labelText(labels: Labels | undefined): string {
  if (!labels) return '';
  const keys = Object.keys(labels);
  if (keys.length === 0) return '';
  return `{${keys.map((k) => `${k}="${escapeLabel(labels[k])}"`).join(',')}}`;
}

function num(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  samples(): string[];
}

export class Counter {
  private readonly values = new Map<string, { labels?: Labels; value: number }>();
  constructor(readonly name: string) {}

  inc(labels?: Labels, by = 1): void {
    const key = labelText(labels);
    const entry = this.values.get(key);
    if (entry) entry.value += by;
    else this.values.set(key, { labels, value: by });
  }

  get(labels?: Labels): number {
    return this.values.get(labelText(labels))?.value ?? 0;
  }

  samples(): string[] {
    return [...this.values.values()].map((e) => `${this.name}${labelText(e.labels)} ${num(e.value)}`);
  }
}

export class Histogram {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;
  constructor(
    readonly name: string,
    private readonly buckets: number[],
  ) {
    this.counts = buckets.map(() => 0);
  }

  /** Starts counting afresh (benches measure one step at a time; /metrics never resets). */
  reset(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }

  /** The value below which a share `q` of observations fall, from the buckets (the bucket's upper bound; Infinity past the last). */
  quantile(q: number): number {
    const target = q * this.count;
    for (let i = 0; i < this.buckets.length; i++) if (this.counts[i] >= target) return this.buckets[i];
    return Infinity;
  }

  observe(v: number): void {
    this.sum += v;
    this.count++;
    for (let i = 0; i < this.buckets.length; i++) if (v <= this.buckets[i]) this.counts[i]++;
  }

  samples(): string[] {
    return [
      ...this.buckets.map((b, i) => `${this.name}_bucket{le="${num(b)}"} ${this.counts[i]}`),
      `${this.name}_bucket{le="+Inf"} ${this.count}`,
      `${this.name}_sum ${num(this.sum)}`,
      `${this.name}_count ${this.count}`,
    ];
  }
}

/** A gauge or counter read at scrape time: one value, or one value per label set. */
export type Collect = () => number | { labels: Labels; value: number }[];

export class MetricsRegistry {
  private readonly families: Family[] = [];

  counter(name: string, help: string): Counter {
    const c = new Counter(name);
    this.families.push({ name, help, type: 'counter', samples: () => c.samples() });
    return c;
  }

  histogram(name: string, help: string, buckets: number[]): Histogram {
    return this.add(new Histogram(name, buckets), help);
  }

  /** Registers a histogram kept elsewhere. */
  add(h: Histogram, help: string): Histogram {
    this.families.push({ name: h.name, help, type: 'histogram', samples: () => h.samples() });
    return h;
  }

  /** A value read from elsewhere when scraped (type gauge, or counter for monotonic totals kept by the engine). */
  collect(name: string, help: string, type: 'gauge' | 'counter', collect: Collect): void {
    this.families.push({
      name,
      help,
      type,
      samples: () => {
        const v = collect();
        return typeof v === 'number' ? [`${name} ${num(v)}`] : v.map((s) => `${name}${labelText(s.labels)} ${num(s.value)}`);
      },
    });
  }

  render(): string {
    const out: string[] = [];
    for (const f of this.families) {
      out.push(`# HELP ${f.name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${f.name} ${f.type}`, ...f.samples());
    }
    return out.join('\n') + '\n';
  }
}
