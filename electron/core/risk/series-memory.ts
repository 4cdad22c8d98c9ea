// The memory the risk book's WebAssembly kernels (series-kernels.wat) work in: a WebAssembly.Memory
// the book allocates its return rows and P&L series from, so a kernel reads them where they are
// instead of from a copy. JavaScript reads and writes the same series through Float64Array views.
//
// A view is only good until the memory grows: growing detaches every view made before it (they
// read as empty). Whoever allocates keeps offsets, not views, and makes its views again when
// `generation` changes; the book does (RiskBook.rebind). Growth happens only in alloc().
import { SERIES_KERNELS_WASM } from './series-kernels.generated';

interface KernelExports {
  add_returns(pnl: number, a: number, x: number, n: number): void;
  add_two_returns(pnl: number, a: number, x: number, b: number, y: number, n: number): void;
  summarize(x: number, n: number, scale: number, r: number, mar: number, ew: number, bound: number, buf: number, cap: number, out: number): void;
}

/** What summarize writes, by index (see series-kernels.wat). */
export const SUMS = { sum: 0, downside: 1, ewma: 2, tailCount: 3, maxDrawdown: 4, endingWealth: 5, m2: 6, m3: 7, m4: 8 } as const;
const SUMS_LENGTH = 9;

const PAGE_BYTES = 65_536;
const DOUBLE = 8;
/** Allocations start on 16-byte boundaries: a kernel's pair of days is then one aligned load when the series starts on an even slot. */
const ALIGN = 16;

let compiled: WebAssembly.Module | null = null;

/** The kernels, compiled once per process (a WebAssembly SIMD module of ~1 KB: compiling is ~1 ms). */
function kernelModule(): WebAssembly.Module {
  if (!compiled) {
    try {
      compiled = new WebAssembly.Module(Buffer.from(SERIES_KERNELS_WASM, 'base64'));
    } catch (err) {
      // Every x86-64 CPU with SSE4.1 (2008 on) and every ARM64 one has what WebAssembly SIMD needs.
      throw new Error(`the risk engine needs WebAssembly SIMD, which this machine's runtime refused: ${(err as Error).message}`, { cause: err });
    }
  }
  return compiled;
}

/** Which SeriesMemory a buffer belongs to (the last one asked is remembered: the live loop asks about one book's memory). */
const owners = new WeakMap<ArrayBufferLike, SeriesMemory>();
let lastBuffer: ArrayBufferLike | null = null;
let lastOwner: SeriesMemory | undefined;

/** A block the memory keeps for its kernels' own use (see SeriesMemory.room). */
interface Block {
  offset: number;
  length: number;
}

export class SeriesMemory {
  private readonly memory: WebAssembly.Memory;
  private readonly kernels: KernelExports;
  /** Bytes handed out so far; freed blocks are kept by length for the next allocation of that length. */
  private used = 0;
  private readonly freed = new Map<number, number[]>();
  private heap: Float64Array;
  /** Changes when the memory grows (every view made before is then detached). */
  generation = 0;
  /** What summarize writes, its tail candidates and EWMA weights, and the blocks series from elsewhere are copied to. */
  private readonly sums: Block;
  private tail: Block;
  private ewma: Block;
  private stagedSeries: Block = { offset: 0, length: 0 };
  private stagedReturns: Block = { offset: 0, length: 0 };
  private sumsView: Float64Array;
  /** The (n, lambda) the EWMA weights block holds. */
  private ewmaFor = { n: -1, lambda: NaN };

  /**
   * A memory with room for `doubles` values of its owner's before it first grows, and for the
   * kernels' scratch of a series of up to `seriesLength` values with `tailCapacity` tail candidates
   * (summarize on such a series never allocates, so never detaches its owner's views).
   */
  constructor(doubles = 0, seriesLength = 0, tailCapacity = 0) {
    const scratch = SUMS_LENGTH + seriesLength + tailCapacity + 1;
    const pages = Math.max(1, Math.ceil(((doubles + scratch) * DOUBLE + 8 * ALIGN) / PAGE_BYTES));
    this.memory = new WebAssembly.Memory({ initial: pages });
    this.kernels = new WebAssembly.Instance(kernelModule(), { host: { memory: this.memory } }).exports as unknown as KernelExports;
    this.heap = new Float64Array(this.memory.buffer);
    owners.set(this.memory.buffer, this);
    this.sums = { offset: this.alloc(SUMS_LENGTH), length: SUMS_LENGTH };
    // The kernel writes every day it looks at to the slot past the last candidate: one spare slot.
    this.tail = { offset: this.alloc(tailCapacity + 1), length: tailCapacity + 1 };
    this.ewma = { offset: this.alloc(seriesLength), length: seriesLength };
    this.sumsView = this.view(this.sums.offset, SUMS_LENGTH);
  }

  /** The memory whose buffer holds `a`, if any. */
  static of(a: Float64Array): SeriesMemory | undefined {
    if (a.buffer !== lastBuffer) {
      lastBuffer = a.buffer;
      lastOwner = owners.get(a.buffer);
    }
    return lastOwner;
  }

  /** True when `a` is a view of this memory as it is now. */
  holds(a: Float64Array): boolean {
    return a.buffer === this.memory.buffer;
  }

  /** True when summarize can run over n values with tailCapacity candidates without allocating. */
  hasRoom(n: number, tailCapacity: number): boolean {
    return n <= this.ewma.length && tailCapacity < this.tail.length;
  }

  /** A block of `length` zeros; returns its byte offset (see view). May grow the memory: check `generation`. */
  alloc(length: number): number {
    const reused = this.freed.get(length)?.pop();
    if (reused !== undefined) {
      this.heap.fill(0, reused / DOUBLE, reused / DOUBLE + length);
      return reused;
    }
    const offset = this.used;
    const end = offset + Math.ceil((length * DOUBLE) / ALIGN) * ALIGN;
    if (end > this.memory.buffer.byteLength) {
      const more = Math.ceil((end - this.memory.buffer.byteLength) / PAGE_BYTES);
      // At least double, so a book that keeps adding portfolios grows a logarithmic number of times.
      owners.delete(this.memory.buffer);
      this.memory.grow(Math.max(more, this.memory.buffer.byteLength / PAGE_BYTES));
      owners.set(this.memory.buffer, this);
      lastBuffer = null;
      this.heap = new Float64Array(this.memory.buffer);
      this.sumsView = this.view(this.sums.offset, SUMS_LENGTH);
      this.generation++;
    }
    this.used = end;
    return offset;
  }

  /** Hands a block back for the next alloc of the same length. */
  free(offset: number, length: number): void {
    let list = this.freed.get(length);
    if (!list) this.freed.set(length, (list = []));
    list.push(offset);
  }

  /** A view of `length` doubles at byte `offset`, good until the memory next grows. */
  view(offset: number, length: number): Float64Array {
    return new Float64Array(this.memory.buffer, offset, length);
  }

  /**
   * Copies `x` in for summarize (with room made for its scratch first: this may grow the memory,
   * so it suits only a memory whose views nobody else keeps, such as stats.ts's staging one).
   * Returns views of the copy and of where its returns go, good until the memory next grows.
   */
  stage(x: Float64Array, tailCapacity: number): { series: Float64Array; returns: Float64Array } {
    const n = x.length;
    this.ewma = this.room(this.ewma, n);
    this.tail = this.room(this.tail, tailCapacity + 1);
    this.stagedSeries = this.room(this.stagedSeries, n);
    this.stagedReturns = this.room(this.stagedReturns, n);
    const series = this.view(this.stagedSeries.offset, n);
    series.set(x);
    return { series, returns: this.view(this.stagedReturns.offset, n) };
  }

  /** `block`, or a larger one in its place when it holds fewer than `length` values. */
  private room(block: Block, length: number): Block {
    if (block.length >= length) return block;
    if (block.length > 0) this.free(block.offset, block.length);
    if (block === this.ewma) this.ewmaFor = { n: -1, lambda: NaN };
    return { offset: this.alloc(length), length };
  }

  /** pnl[from + k] += x * ret[row + k] for k in [0, n) (both views of this memory). */
  addReturns(pnl: Float64Array, from: number, ret: Float64Array, row: number, x: number, n: number): void {
    this.kernels.add_returns(pnl.byteOffset + from * DOUBLE, ret.byteOffset + row * DOUBLE, x, n);
  }

  /** pnl[from + k] += x * ret[rowX + k] + y * ret[rowY + k] for k in [0, n): two holdings in one pass over pnl. */
  addTwoReturns(pnl: Float64Array, from: number, ret: Float64Array, rowX: number, x: number, rowY: number, y: number, n: number): void {
    const r = ret.byteOffset;
    this.kernels.add_two_returns(pnl.byteOffset + from * DOUBLE, r + rowX * DOUBLE, x, r + rowY * DOUBLE, y, n);
  }

  /**
   * The summarize kernel (series-kernels.wat) over x (x.length >= 1 values, with hasRoom), writing
   * r = x * scale; x and r are views of this memory. Tail candidates (every r <= bound, in day
   * order; a NaN bound keeps none) are kept up to `tailCapacity`, ascending when they fit (see
   * copyTailCandidates). Returns the
   * sums by SUMS index, in a view the next call overwrites.
   */
  summarize(x: Float64Array, scale: number, r: Float64Array, mar: number, lambda: number, bound: number, tailCapacity: number): Float64Array {
    if (tailCapacity >= this.tail.length) throw new RangeError(`no room for ${tailCapacity} tail candidates`);
    const n = x.length;
    if (this.ewmaFor.n !== n || this.ewmaFor.lambda !== lambda) this.writeEwmaWeights(n, lambda);
    this.kernels.summarize(x.byteOffset, n, scale, r.byteOffset, mar, this.ewma.offset, bound, this.tail.offset, tailCapacity, this.sums.offset);
    return this.sumsView;
  }

  /** Copies the first `count` tail candidates of the last summarize into `into`. */
  copyTailCandidates(into: Float64Array, count: number): void {
    const heap = this.heap;
    const from = this.tail.offset / DOUBLE;
    for (let i = 0; i < count; i++) into[i] = heap[from + i];
  }

  /**
   * The weights lambda^(n-1-i) / sum_k lambda^k of the EWMA variance (stats.ts ReturnSummary),
   * kept for the last (n, lambda): every portfolio of a book has the same window.
   */
  private writeEwmaWeights(n: number, lambda: number): void {
    const weights = this.view(this.ewma.offset, n);
    let den = 0;
    for (let k = 0; k < n; k++) den += Math.pow(lambda, k);
    for (let i = 0; i < n; i++) weights[i] = Math.pow(lambda, n - 1 - i) / den;
    this.ewmaFor = { n, lambda };
  }
}
