// The book in memory, in the column-oriented form the risk engine computes over.

/** Daily closes: `closes[d * symbols.length + s]` is symbol s on dates[d]; NaN = no close that day. */
export interface PriceTable {
  /** Ascending ISO dates. */
  dates: string[];
  symbols: string[];
  closes: Float64Array;
}

/** Bad input, always naming where: file (or source), line (1-based, header = line 1) and field. */
export class InputError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly field: string | null,
    readonly reason: string,
  ) {
    super(`${file}${line !== null ? `: line ${line}` : ''}${field !== null ? `, field "${field}"` : ''}: ${reason}`);
    this.name = 'InputError';
  }
}
