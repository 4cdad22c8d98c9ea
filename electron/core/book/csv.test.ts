// readPrices reads numbers straight from the bytes of plain files: it must give exactly the
// doubles Number() gives, in either layout, with or without quotes (the general parser's path).
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir, writeFile } from '../testing';
import { readPrices } from './csv';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** Positive numbers as people and programs write them: plain decimals, long fractions, exponents, padding. */
const priceText = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 99_999 }), fc.integer({ min: 0, max: 10 ** 9 }), fc.integer({ min: 0, max: 9 })).map(([i, f, z]) => `${i}.${'0'.repeat(z)}${f}`),
  fc.double({ min: 1e-6, max: 1e9, noNaN: true }).map(String),
  fc.integer({ min: 1, max: 10 ** 15 }).map(String),
  fc.tuple(fc.integer({ min: 1, max: 999 }), fc.integer({ min: -5, max: 5 })).map(([m, e]) => `${m}e${e}`),
  fc.integer({ min: 1, max: 10_000 }).map((v) => ` ${v / 100} `),
  fc.constant('0001.2500'),
  fc.constant('12345678901234567.5'),
);

const tableArb = fc.record({
  symbols: fc.integer({ min: 1, max: 5 }),
  cells: fc.array(fc.option(priceText, { freq: 5 }), { minLength: 25, maxLength: 25 }),
  rows: fc.integer({ min: 1, max: 5 }),
  crlf: fc.boolean(),
  quoted: fc.boolean(),
});

describe('readPrices', () => {
  it('reads every close exactly as Number() does, wide or long, plain or quoted', () => {
    fc.assert(
      fc.property(tableArb, ({ symbols, cells, rows, crlf, quoted }) => {
        const eol = crlf ? '\r\n' : '\n';
        const q = (s: string) => (quoted ? `"${s}"` : s);
        const syms = Array.from({ length: symbols }, (_, i) => `S${i}`);
        const dates = Array.from({ length: rows }, (_, d) => `2026-02-${String(d + 10)}`);
        const cellAt = (d: number, s: number) => cells[(d * symbols + s) % cells.length];
        const wide = [['date', ...syms].join(','), ...dates.map((date, d) => [date, ...syms.map((_, s) => q(cellAt(d, s) ?? ''))].join(','))].join(eol);
        const long = ['date,symbol,close', ...dates.flatMap((date, d) => syms.flatMap((sym, s) => (cellAt(d, s) === null ? [] : [`${date},${sym},${q(cellAt(d, s)!)}`])))].join(eol);
        const fromWide = readPrices(writeFile(tmp.dir, 'wide.csv', wide));
        const fromLong = readPrices(writeFile(tmp.dir, 'long.csv', long));
        // The expected table: dates and symbols with at least one close.
        const keptDates = dates.filter((_, d) => syms.some((_, s) => cellAt(d, s) !== null));
        const keptSyms = syms.filter((_, s) => dates.some((_, d) => cellAt(d, s) !== null));
        const expected = keptDates.flatMap((date) => keptSyms.map((sym) => {
          const c = cellAt(dates.indexOf(date), syms.indexOf(sym));
          return c === null ? NaN : Number(c);
        }));
        for (const t of [fromWide, fromLong]) {
          expect(t.dates).toEqual(keptDates);
          expect(t.symbols).toEqual(keptSyms);
          expect(Array.from(t.closes)).toEqual(expected);
        }
      }),
    );
  });

  it('sorts dates and symbols whatever the order of rows and columns', () => {
    const t = readPrices(writeFile(tmp.dir, 'order.csv', 'MSFT,date,AAPL\n201,2026-01-05,101\n200,2026-01-02,\n'));
    expect(t.dates).toEqual(['2026-01-02', '2026-01-05']);
    expect(t.symbols).toEqual(['AAPL', 'MSFT']);
    expect(Array.from(t.closes)).toEqual([NaN, 200, 101, 201]);
  });
});
