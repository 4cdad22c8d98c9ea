// The WebAssembly kernels against a scalar reference written out here, operation for operation
// (each total in two chains, even and odd days, added last): the kernels must give the same
// doubles, bit for bit, on any series. Then the memory's own bookkeeping: growth, reuse, staging.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SUMS, SeriesMemory } from './series-memory';
import { summarizeScaled } from './stats';

const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

function expectSameDoubles(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) if (!same(got[i], want[i])) expect.fail(`${what}[${i}]: ${got[i]} !== ${want[i]}`);
}

/** What the summarize kernel computes, in the same order of operations, in plain scalar code. */
function referenceSums(x: Float64Array, scale: number, mar: number, ew: Float64Array, bound: number, cap: number) {
  const n = x.length;
  const r = x.map((v) => v * scale);
  const even = { s: 0, down: 0, ewma: 0, m2: 0, m3: 0, m4: 0 };
  const odd = { ...even };
  const tail: number[] = [];
  let count = 0;
  for (let i = 0; i < n; i++) {
    const c = i % 2 === 0 ? even : odd;
    const v = r[i];
    c.s += v;
    const e = v - mar < 0 || Number.isNaN(v - mar) ? v - mar : 0;
    c.down += e * e;
    c.ewma += ew[i] * (v * v);
    if (v <= bound) {
      if (count < cap) tail.push(v);
      count++;
    }
  }
  // The chains are added last: even + odd.
  const sum = even.s + odd.s;
  const mean = sum / n;
  for (let i = 0; i < n; i++) {
    const c = i % 2 === 0 ? even : odd;
    const d = r[i] - mean;
    const d2 = d * d;
    c.m2 += d2;
    c.m3 += d2 * d;
    c.m4 += d2 * d2;
  }
  // Drawdown as the kernel scans it: a day below floor = peak (1 + mdd) is the only one that can
  // set a new maximum drawdown (stats.test.ts holds the result to the textbook definition).
  let w = 1;
  let peak = 1;
  let mdd = 0;
  for (let t = 0; t < n; t++) {
    w *= 1 + r[t];
    if (w > peak) peak = w;
    if (w < peak * (1 + mdd)) {
      const dd = (w - peak) / peak;
      if (dd < mdd) mdd = dd;
    }
  }
  const sums = [sum, even.down + odd.down, even.ewma + odd.ewma, count, mdd, w, even.m2 + odd.m2, even.m3 + odd.m3, even.m4 + odd.m4];
  return { r, sums, tail: count <= cap ? tail.sort((a, b) => a - b) : null };
}

/** A series in memory: a block of n values copied from `values`. */
function place(memory: SeriesMemory, values: ArrayLike<number>): Float64Array {
  const view = memory.view(memory.alloc(values.length), values.length);
  view.set(values);
  return view;
}

/** The EWMA weights as the memory writes them: lambda^(n-1-i) / sum_k lambda^k. */
function ewmaWeights(n: number, lambda: number): Float64Array {
  let den = 0;
  for (let k = 0; k < n; k++) den += Math.pow(lambda, k);
  return Float64Array.from({ length: n }, (_, i) => Math.pow(lambda, n - 1 - i) / den);
}

const returnsArb = fc.float64Array({ minLength: 1, maxLength: 300, noDefaultInfinity: true, min: -0.5, max: 0.5 });

describe('the summarize kernel', () => {
  it('gives the scalar reference bit for bit: sums, returns, candidates (ascending), drawdown and wealth', () => {
    fc.assert(
      fc.property(
        returnsArb,
        fc.double({ min: 1e-3, max: 1e7, noNaN: true }),
        fc.constantFrom(0, 0.001),
        fc.oneof(fc.constant(NaN), fc.double({ min: -0.5, max: 0.1, noNaN: true })),
        fc.integer({ min: 0, max: 40 }),
        (raw, divisor, mar, bound, cap) => {
          const x = raw.map((v) => v * divisor);
          const memory = new SeriesMemory(0, x.length, cap);
          const xs = place(memory, x);
          const rs = place(memory, new Float64Array(x.length));
          const want = referenceSums(x, 1 / divisor, mar, ewmaWeights(x.length, 0.94), bound, cap);
          const sums = Array.from(memory.summarize(xs, 1 / divisor, rs, mar, 0.94, bound, cap));
          expectSameDoubles(sums, want.sums, 'sums');
          expectSameDoubles(rs, want.r, 'returns');
          if (want.tail) {
            const got = new Float64Array(want.tail.length);
            memory.copyTailCandidates(got, want.tail.length);
            expectSameDoubles(got, want.tail, 'candidates');
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('carries a NaN through the sums and stops the wealth path at it, as the scalar scan did', () => {
    const x = Float64Array.from([0.01, -0.02, NaN, 0.03, -0.05]);
    const memory = new SeriesMemory(0, x.length, 8);
    const sums = memory.summarize(place(memory, x), 1, place(memory, new Float64Array(5)), 0, 0.94, -0.01, 8);
    const want = referenceSums(x, 1, 0, ewmaWeights(5, 0.94), -0.01, 8);
    expectSameDoubles(Array.from(sums), want.sums, 'sums');
    expect(sums[SUMS.sum]).toBeNaN();
    expect(sums[SUMS.endingWealth]).toBeNaN();
    expect(sums[SUMS.maxDrawdown]).toBeCloseTo(-0.02, 15); // the fall before the NaN
    expect(sums[SUMS.tailCount]).toBe(2); // -0.02 and -0.05: NaN is never a candidate
  });

  it('counts candidates past its capacity, so an overflow shows', () => {
    const x = Float64Array.from({ length: 51 }, (_, i) => -i / 100);
    const memory = new SeriesMemory(0, 51, 10);
    const sums = memory.summarize(place(memory, x), 1, place(memory, new Float64Array(51)), 0, 0.94, -0.2, 10);
    expect(sums[SUMS.tailCount]).toBe(31); // -0.20 .. -0.50
    expect(() => memory.summarize(place(memory, x), 1, place(memory, new Float64Array(51)), 0, 0.94, -0.2, 11)).toThrow(RangeError);
  });
});

describe('the P&L kernels', () => {
  it('add one or two holdings\' returns to a series, at any offset, as the scalar loop does', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 70 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 }), fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer(), (n, from, row, x, y, seed) => {
        let state = seed >>> 0;
        const next = () => ((state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5) * 0.1;
        const memory = new SeriesMemory();
        const pnl = place(memory, Float64Array.from({ length: n + from }, () => next() * 1e5));
        const ret = place(memory, Float64Array.from({ length: 2 * (n + row) + 1 }, next));
        const rowY = n + row + 1;
        const one = Float64Array.from(pnl);
        const two = Float64Array.from(pnl);
        for (let k = 0; k < n; k++) one[from + k] += x * ret[row + k];
        for (let k = 0; k < n; k++) two[from + k] += x * ret[row + k] + y * ret[rowY + k];
        const before = Float64Array.from(pnl);
        memory.addReturns(pnl, from, ret, row, x, n);
        expectSameDoubles(pnl, one, 'one holding');
        pnl.set(before);
        memory.addTwoReturns(pnl, from, ret, row, x, rowY, y, n);
        expectSameDoubles(pnl, two, 'two holdings');
      }),
      { numRuns: 300 },
    );
  });
});

describe('SeriesMemory', () => {
  it('keeps what it holds when it grows, and says so: views made before are detached', () => {
    const memory = new SeriesMemory(100);
    const at = memory.alloc(100);
    const before = memory.view(at, 100);
    before.set(Float64Array.from({ length: 100 }, (_, i) => i * 1.5));
    const generation = memory.generation;
    memory.alloc(200_000); // past the first page: the memory grows
    expect(memory.generation).toBe(generation + 1);
    expect(before.length).toBe(0); // detached
    expect(memory.holds(before)).toBe(false);
    const after = memory.view(at, 100);
    expect(memory.holds(after)).toBe(true);
    expect(SeriesMemory.of(after)).toBe(memory);
    expect(Array.from(after)).toEqual(Array.from({ length: 100 }, (_, i) => i * 1.5));
  });

  it('hands a freed block to the next allocation of its length, zeroed', () => {
    const memory = new SeriesMemory(1000);
    const a = memory.alloc(10);
    memory.view(a, 10).fill(7);
    const b = memory.alloc(10);
    memory.free(a, 10);
    expect(memory.alloc(12)).not.toBe(a); // another length: a new block
    expect(memory.alloc(10)).toBe(a);
    expect(Array.from(memory.view(a, 10))).toEqual(new Array(10).fill(0));
    expect(b).not.toBe(a);
  });
});

describe('summarizeScaled over arrays outside any memory', () => {
  it('copies them in and the returns back out: the same figures as in place', () => {
    fc.assert(
      fc.property(returnsArb, fc.double({ min: 1, max: 1e7, noNaN: true }), (raw, nav) => {
        const x = raw.map((v) => v * nav);
        const memory = new SeriesMemory(0, x.length, 64);
        const inPlace = { bound: -0.1, values: new Float64Array(64), count: 0 };
        const copied = { bound: -0.1, values: new Float64Array(64), count: 0 };
        const rIn = place(memory, new Float64Array(x.length));
        const a = summarizeScaled(place(memory, x), nav, rIn, 0, 0.94, inPlace);
        const rOut = new Float64Array(x.length);
        const b = summarizeScaled(x, nav, rOut, 0, 0.94, copied);
        expect(b).toEqual(a);
        expectSameDoubles(rOut, rIn, 'returns');
        expect(copied.count).toBe(inPlace.count);
        expectSameDoubles(copied.values, inPlace.values, 'candidates');
      }),
      { numRuns: 200 },
    );
  });

  it('reads a series that is its own output (summarize(r)) without losing it', () => {
    const r = Float64Array.from([0.01, -0.02, 0.03]);
    const s = summarizeScaled(r, 1, r);
    expect(Array.from(r)).toEqual([0.01, -0.02, 0.03]);
    expect(s.mean).toBeCloseTo(0.02 / 3, 15);
  });
});
