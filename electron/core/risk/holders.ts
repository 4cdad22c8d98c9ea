// Who holds each symbol, laid out for the tick path. A tick on a symbol visits its ~100 holders;
// as objects, each holder and its portfolio were scattered cache misses (three or four per holder,
// most of a tick's cost). Here a holder is an id and its fields are entries of typed arrays by id,
// numbered symbol by symbol when the table is built, so a tick's holders sit side by side; and the
// holdings each portfolio has waiting (ticks not yet in its P&L) are a row of one array by
// portfolio number, so noting a tick does not touch the portfolio's own object at all.

/** Holder ids of a fresh table start at 0 in symbol order; a removed holder's id goes to the next one added. */
export class HolderTable {
  /** By holder id: symbol index, position index in its portfolio, quantity x multiplier, portfolio number. */
  sym = new Int32Array(0);
  position = new Int32Array(0);
  qm = new Float64Array(0);
  owner = new Int32Array(0);
  /** 1 while ticks on the symbol are not yet in the portfolio's P&L; `base` then holds what the P&L includes. */
  pending = new Uint8Array(0);
  /** By holder id: the market value (2 id) and today's return (2 id + 1) its portfolio's P&L includes while pending. */
  base = new Float64Array(0);
  /** The ids holding each symbol. */
  readonly bySymbol: number[][];
  /** By portfolio number: how many of its holdings are pending, and their ids (row `stride` long). */
  waiting = new Int32Array(0);
  waitingIds = new Int32Array(0);
  /** Room per portfolio in waitingIds: at least the most positions any portfolio has (a holding waits at most once). */
  stride = 0;
  private next = 0;
  private readonly free: number[] = [];

  constructor(symbols: number) {
    this.bySymbol = Array.from({ length: symbols }, () => []);
  }

  /** A new holder of symbol s (position j, portfolio number `owner`), not pending; returns its id. */
  add(s: number, j: number, qm: number, owner: number): number {
    let id = this.free.pop();
    if (id === undefined) {
      id = this.next++;
      if (id >= this.sym.length) this.grow(Math.max(64, 2 * this.sym.length));
    }
    this.sym[id] = s;
    this.position[id] = j;
    this.qm[id] = qm;
    this.owner[id] = owner;
    this.pending[id] = 0;
    this.bySymbol[s].push(id);
    return id;
  }

  /** Removes a holder that is not pending; its id goes to the next one added. */
  remove(id: number): void {
    const list = this.bySymbol[this.sym[id]];
    const k = list.indexOf(id);
    list[k] = list[list.length - 1];
    list.pop();
    this.free.push(id);
  }

  /** Makes room for portfolio numbers below `count` and for `positions` pending holdings each. */
  reserve(count: number, positions: number): void {
    const stride = positions > this.stride ? Math.max(2 * this.stride, positions, 16) : this.stride;
    const rows = count > this.waiting.length ? Math.max(2 * this.waiting.length, count) : this.waiting.length;
    if (stride === this.stride && rows === this.waiting.length) return;
    const ids = new Int32Array(rows * stride);
    for (let p = 0; p < this.waiting.length; p++) ids.set(this.waitingIds.subarray(p * this.stride, p * this.stride + this.waiting[p]), p * stride);
    const waiting = new Int32Array(rows);
    waiting.set(this.waiting);
    this.waiting = waiting;
    this.waitingIds = ids;
    this.stride = stride;
  }

  private grow(size: number): void {
    const grow = <T extends Int32Array | Float64Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.sym = grow(this.sym, (n) => new Int32Array(n));
    this.position = grow(this.position, (n) => new Int32Array(n));
    this.qm = grow(this.qm, (n) => new Float64Array(n));
    this.owner = grow(this.owner, (n) => new Int32Array(n));
    this.pending = grow(this.pending, (n) => new Uint8Array(n));
    const base = new Float64Array(2 * size);
    base.set(this.base);
    this.base = base;
  }
}
