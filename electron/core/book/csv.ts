// Reading the book from CSV files (the formats of docs/interfaces.md): prices (long or wide),
// positions and portfolios. Every problem is an InputError naming file, line and field.
// Used by both `risk-desk import` and `risk-desk metrics`, so the two accept exactly the same files.
import fs from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import type { Portfolio, Position } from '../../../shared/domain';
import { InputError, type PriceTable } from './types';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar date written YYYY-MM-DD. */
export function isIsoDate(s: string): boolean {
  if (!ISO_DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}

interface CsvSheet {
  file: string;
  header: string[];
  /**
   * Calls `fn` for each data row (header excluded, blank lines skipped); row i is on line i + 2 of
   * the file. Given `columns`, only those cells need be filled in (the row array may be reused).
   */
  forEachRow(fn: (row: string[], rowIndex: number) => void, columns?: number[]): void;
  /** For a plain file (no quotes: a record is a line, a field what lies between commas), its bytes and where the data rows start. */
  plain?: { bytes: Buffer; bodyStart: number };
}

const LF = 10;
const CR = 13;
const QUOTE = 34;
const COMMA = 44;

/** The end of the line that starts at `from`, without its CR. */
function lineEnd(bytes: Buffer, from: number, end: number): number {
  return end > from && bytes[end - 1] === CR ? end - 1 : end;
}

/** Reads a CSV file with a header row. Blank lines are skipped; line numbers still match the file. */
export function readCsv(file: string): CsvSheet {
  const name = path.basename(file);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(file, null, null, code === 'ENOENT' ? 'file not found' : `cannot read file (${code ?? String(err)})`);
  }
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0; // UTF-8 byte-order mark
  const checkHeader = (header: string[]) => {
    if (header.length === 0 || header.every((h) => h === '')) throw new InputError(file, 1, null, `${name} is empty: a header row is required`);
    return header;
  };
  // Without quotes (and old-Mac lone CR line ends) a record is a line and a field is what lies
  // between commas: splitting lines directly is many times faster than a general CSV parser on
  // large price files, and never holds every row in memory at once.
  if (bytes.indexOf(QUOTE, start) < 0 && (bytes.indexOf(CR, start) < 0 || bytes.indexOf('\r\n', start) >= 0)) {
    let headerEnd = bytes.indexOf(LF, start);
    if (headerEnd < 0) headerEnd = bytes.length;
    const header = checkHeader(
      bytes
        .toString('utf8', start, lineEnd(bytes, start, headerEnd))
        .split(',')
        .map((h) => h.trim()),
    );
    const bodyStart = headerEnd + 1;
    return {
      file,
      header,
      plain: { bytes, bodyStart },
      forEachRow(fn, columns) {
        // One decode for the whole body, then lines are slices of it: far fewer calls into C++ than a decode per line.
        const text = bytes.toString('utf8', bodyStart);
        const last = columns ? Math.max(...columns) : -1;
        const wanted = new Uint8Array(last + 1);
        for (const c of columns ?? []) wanted[c] = 1;
        const row: string[] = [];
        let i = 0;
        for (let pos = 0; pos < text.length; i++) {
          let end = text.indexOf('\n', pos);
          if (end < 0) end = text.length;
          const line = text.slice(pos, end > pos && text.charCodeAt(end - 1) === CR ? end - 1 : end);
          pos = end + 1;
          if (line.trim() === '') continue;
          if (!columns) {
            fn(line.split(','), i);
            continue;
          }
          // Only the cells asked for: no array and strings for every field of every line.
          let c = 0;
          for (let from = 0; c <= last; c++) {
            const comma = line.indexOf(',', from);
            const to = comma < 0 ? line.length : comma;
            if (wanted[c]) row[c] = line.slice(from, to);
            if (comma < 0) break;
            from = comma + 1;
          }
          while (++c <= last) row[c] = undefined as unknown as string; // a short row: those cells are missing
          fn(row, i);
        }
      },
    };
  }
  const parsed = Papa.parse<string[]>(bytes.toString('utf8', start), { skipEmptyLines: false, delimiter: ',' });
  const quoteError = parsed.errors.find((e) => e.type === 'Quotes');
  if (quoteError) throw new InputError(file, (quoteError.row ?? 0) + 1, null, quoteError.message);
  const all = parsed.data;
  const header = checkHeader((all[0] ?? []).map((h) => h.trim()));
  return {
    file,
    header,
    forEachRow(fn) {
      for (let i = 1; i < all.length; i++) {
        const r = all[i];
        // Papa yields [''] for a blank line.
        if (!(r.length === 1 && r[0].trim() === '')) fn(r, i - 1);
      }
    },
  };
}

const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * Splits the line [pos, le) of a plain file into cells (their byte ranges in from/to) and reads
 * each plain decimal into `value` on the way: digits, at most one point, at most 15 digits. Those
 * digits form an integer below 2^53 and 10^k (k <= 22) is exact, so the one division is
 * correctly rounded: the very double Number() gives (Clinger's fast path). Any other cell is NaN
 * in `value`, for the caller to read with Number(). Returns the number of cells, or -1 for a
 * blank line. (Small on purpose: the engine compiles a small hot loop quickly.)
 */
function scanLine(bytes: Buffer, pos: number, le: number, ncol: number, from: Int32Array, to: Int32Array, value: Float64Array): number {
  let cells = 0;
  let blank = true;
  let m = 0;
  let digits = 0;
  let point = -1;
  let plain = true;
  for (let i = pos, s = pos; i <= le; i++) {
    const c = i === le ? COMMA : bytes[i];
    if (c === COMMA) {
      from[cells] = s;
      to[cells] = i;
      value[cells++] = plain && digits > 0 && digits <= 15 ? (point < 0 ? m : m / POW10[i - point - 1]) : NaN;
      if (cells === ncol) break;
      if (i < le) blank = false; // as line.trim() !== '': a comma makes a line non-blank
      s = i + 1;
      m = 0;
      digits = 0;
      point = -1;
      plain = true;
    } else if (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      digits++;
      blank = false;
    } else {
      if (c === 46 && point < 0) point = i;
      else plain = false;
      if (c > 32) blank = false;
    }
  }
  return blank ? -1 : cells;
}

/**
 * Stores the row's positive plain values, from symbol column k on, into empty grid cells. Returns
 * the first k it cannot store (not a plain positive number, or a cell already set), or -1 when done.
 */
function storeRow(grid: Float64Array, base: number, cols: Int32Array, colSymbol: Int32Array, value: Float64Array, cells: number, k: number): number {
  for (; k < cols.length; k++) {
    const c = cols[k];
    if (c >= cells) continue;
    const v = value[c];
    const at = base + colSymbol[k];
    if (!(v > 0) || grid[at] === grid[at]) return k; // grid[at] === grid[at]: not NaN, already set
    grid[at] = v;
  }
  return -1;
}

function columnIndex(sheet: CsvSheet, name: string, required = true): number {
  const i = sheet.header.findIndex((h) => h.toLowerCase() === name);
  if (i < 0 && required) throw new InputError(sheet.file, 1, name, `missing required column "${name}" (header: ${sheet.header.join(',')})`);
  return i;
}

function cell(sheet: CsvSheet, row: string[], rowIndex: number, col: number, field: string): string {
  const v = (row[col] ?? '').trim();
  if (v === '') throw new InputError(sheet.file, rowIndex + 2, field, 'is empty');
  return v;
}

function numberCell(sheet: CsvSheet, row: string[], rowIndex: number, col: number, field: string): number {
  const raw = cell(sheet, row, rowIndex, col, field);
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new InputError(sheet.file, rowIndex + 2, field, `"${raw}" is not a finite number`);
  return n;
}

function dateValue(sheet: CsvSheet, raw: string, rowIndex: number): string {
  const v = raw.trim();
  if (v === '') throw new InputError(sheet.file, rowIndex + 2, 'date', 'is empty');
  if (!isIsoDate(v)) throw new InputError(sheet.file, rowIndex + 2, 'date', `"${v}" is not an ISO date (YYYY-MM-DD)`);
  return v;
}

function positivePrice(sheet: CsvSheet, rowIndex: number, field: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new InputError(sheet.file, rowIndex + 2, field, `"${raw}" is not a price (a finite number above 0)`);
  return n;
}

/**
 * Prices in either layout: long (`date,symbol,close`) or wide (`date,SYM1,SYM2,...`).
 * In the wide layout an empty cell means "no close that day" (the engine carries the last price forward).
 */
export function readPrices(file: string): PriceTable {
  const sheet = readCsv(file);
  const lower = sheet.header.map((h) => h.toLowerCase());
  const dateCol = columnIndex(sheet, 'date');
  const isLong = lower.includes('symbol') && lower.includes('close');
  // Each distinct date is checked once and numbered in order of appearance; sorting comes at the end.
  const dates: string[] = [];
  const dateIndex = new Map<string, number>();
  const dateOf = (raw: string, i: number): number => {
    const d = dateIndex.get(raw.trim());
    if (d !== undefined) return d;
    const date = dateValue(sheet, raw, i);
    dateIndex.set(date, dates.length);
    return dates.push(date) - 1;
  };
  const duplicate = (symbol: string, d: number, rowIndex: number, field: string) =>
    new InputError(sheet.file, rowIndex + 2, field, `duplicate close for ${symbol} on ${dates[d]}`);

  if (isLong) {
    const symCol = columnIndex(sheet, 'symbol');
    const closeCol = columnIndex(sheet, 'close');
    const names: string[] = [];
    const nameIndex = new Map<string, number>();
    const rowDate: number[] = [];
    const rowSymbol: number[] = [];
    const rowClose: number[] = [];
    const rowAt: number[] = [];
    sheet.forEachRow((row, i) => {
      const d = dateOf(row[dateCol] ?? '', i);
      const symbol = cell(sheet, row, i, symCol, 'symbol');
      const close = positivePrice(sheet, i, 'close', cell(sheet, row, i, closeCol, 'close'));
      let s = nameIndex.get(symbol);
      if (s === undefined) nameIndex.set(symbol, (s = names.push(symbol) - 1));
      rowDate.push(d);
      rowSymbol.push(s);
      rowClose.push(close);
      rowAt.push(i);
    }, [dateCol, symCol, closeCol]);
    const grid = new Float64Array(dates.length * names.length).fill(NaN);
    for (let k = 0; k < rowDate.length; k++) {
      const at = rowDate[k] * names.length + rowSymbol[k];
      if (!Number.isNaN(grid[at])) throw duplicate(names[rowSymbol[k]], rowDate[k], rowAt[k], 'close');
      grid[at] = rowClose[k];
    }
    return sortedTable(dates, names, grid);
  }

  const symbolCols = sheet.header.map((h, i) => ({ h, i })).filter(({ i }) => i !== dateCol);
  if (symbolCols.length === 0) throw new InputError(sheet.file, 1, null, 'no symbol columns: expected date,symbol,close or date,SYM1,SYM2,...');
  for (const { h, i } of symbolCols) if (h === '') throw new InputError(sheet.file, 1, `column ${i + 1}`, 'symbol column has an empty name');
  // A name repeated in the header is one symbol: its second close for a date is a duplicate.
  const names = [...new Set(symbolCols.map((c) => c.h))];
  const nameIndex = new Map(names.map((h, k) => [h, k]));
  const cols = Int32Array.from(symbolCols, (c) => c.i);
  const colSymbol = Int32Array.from(symbolCols, (c) => nameIndex.get(c.h)!);
  const n = names.length;
  let grid = new Float64Array(0);
  const rowOf = (d: number): number => {
    if ((d + 1) * n > grid.length) {
      const grown = new Float64Array(Math.max(grid.length * 2, (d + 1) * n)).fill(NaN);
      grown.set(grid);
      grid = grown;
    }
    return d * n;
  };
  const put = (base: number, d: number, k: number, v: number, r: number) => {
    const at = base + colSymbol[k];
    if (!Number.isNaN(grid[at])) throw duplicate(symbolCols[k].h, d, r, symbolCols[k].h);
    grid[at] = v;
  };
  /** A cell that is not a plain price: blank (no close that day), a number in another notation, or an error. */
  const putText = (base: number, d: number, k: number, raw: string, r: number) => {
    const v = +raw; // Number() ignores surrounding blanks, as trim() would
    if (v > 0 && v < Infinity) return put(base, d, k, v, r);
    const t = raw.trim();
    if (t !== '') put(base, d, k, positivePrice(sheet, r, symbolCols[k].h, t), r);
  };

  if (sheet.plain) {
    // The bulk of a price file: read numbers straight from the bytes, no string per cell.
    const { bytes, bodyStart } = sheet.plain;
    let lines = 1;
    for (let i = bytes.indexOf(LF, bodyStart); i >= 0; i = bytes.indexOf(LF, i + 1)) lines++;
    rowOf(lines - 1); // one allocation of the right size rather than doublings
    const ncol = sheet.header.length;
    const from = new Int32Array(ncol);
    const to = new Int32Array(ncol);
    const value = new Float64Array(ncol);
    let r = 0;
    for (let pos = bodyStart; pos < bytes.length; r++) {
      let end = bytes.indexOf(LF, pos);
      if (end < 0) end = bytes.length;
      const cells = scanLine(bytes, pos, lineEnd(bytes, pos, end), ncol, from, to, value);
      if (cells >= 0) {
        const d = dateOf(dateCol < cells ? bytes.toString('utf8', from[dateCol], to[dateCol]) : '', r);
        const base = rowOf(d);
        // The plain cells land in one tight loop; each other one (blank, another notation, a bad
        // value, a duplicate) is handed back to take the careful path.
        for (let k = storeRow(grid, base, cols, colSymbol, value, cells, 0); k >= 0; k = storeRow(grid, base, cols, colSymbol, value, cells, k + 1)) {
          putText(base, d, k, bytes.toString('utf8', from[cols[k]], to[cols[k]]), r);
        }
      }
      pos = end + 1;
    }
  } else {
    sheet.forEachRow((row, r) => {
      const d = dateOf(row[dateCol] ?? '', r);
      const base = rowOf(d);
      for (let k = 0; k < cols.length; k++) {
        const raw = row[cols[k]];
        if (raw !== undefined) putText(base, d, k, raw, r);
      }
    });
  }
  return sortedTable(dates, names, grid);
}

/**
 * The table with dates and symbols in ascending order, from a grid in order of appearance
 * (`grid[d * names.length + s]`, NaN = no close). A date or symbol without any close is left out.
 */
function sortedTable(dates: string[], names: string[], grid: Float64Array): PriceTable {
  const n = names.length;
  const dateHas = new Uint8Array(dates.length);
  const nameHas = new Uint8Array(n);
  for (let d = 0; d < dates.length; d++) {
    for (let s = 0; s < n; s++) {
      if (!Number.isNaN(grid[d * n + s])) {
        dateHas[d] = 1;
        nameHas[s] = 1;
      }
    }
  }
  const dateOrder = dates.map((_, d) => d).filter((d) => dateHas[d]);
  dateOrder.sort((a, b) => (dates[a] < dates[b] ? -1 : 1));
  const nameOrder = names.map((_, s) => s).filter((s) => nameHas[s]);
  nameOrder.sort((a, b) => (names[a] < names[b] ? -1 : 1));
  const m = nameOrder.length;
  // Usually the file is already in order with every date and symbol priced: the grid is the table.
  if (m === n && dateOrder.length === dates.length && dateOrder.every((d, i) => d === i) && nameOrder.every((s, i) => s === i)) {
    return { dates, symbols: names, closes: grid.subarray(0, dates.length * n) };
  }
  const closes = new Float64Array(dateOrder.length * m);
  for (let d = 0; d < dateOrder.length; d++) {
    const from = dateOrder[d] * n;
    for (let j = 0; j < m; j++) closes[d * m + j] = grid[from + nameOrder[j]];
  }
  return { dates: dateOrder.map((d) => dates[d]), symbols: nameOrder.map((s) => names[s]), closes };
}

/** A position row, with the line it came from (for "unknown symbol" messages). */
export interface PositionRow extends Position {
  line: number;
}

export function readPositions(file: string): PositionRow[] {
  const sheet = readCsv(file);
  const pc = columnIndex(sheet, 'portfolio_id');
  const sc = columnIndex(sheet, 'symbol');
  const qc = columnIndex(sheet, 'quantity');
  // Symbols seen per portfolio: a portfolio's rows usually come together, so one small set is at
  // hand; one set of 100k "portfolio/symbol" keys would cost more than the rest of the parse.
  const seen = new Map<string, Set<string>>();
  let current = '';
  let symbols = new Set<string>();
  const out: PositionRow[] = [];
  sheet.forEachRow((row, i) => {
    const portfolio_id = cell(sheet, row, i, pc, 'portfolio_id');
    const symbol = cell(sheet, row, i, sc, 'symbol');
    const quantity = numberCell(sheet, row, i, qc, 'quantity');
    if (portfolio_id !== current) {
      const known = seen.get(portfolio_id);
      if (known) symbols = known;
      else seen.set(portfolio_id, (symbols = new Set()));
      current = portfolio_id;
    }
    if (symbols.has(symbol)) throw new InputError(sheet.file, i + 2, 'symbol', `duplicate position ${portfolio_id}/${symbol}`);
    symbols.add(symbol);
    out.push({ portfolio_id, symbol, quantity, line: i + 2 });
  }, [pc, sc, qc]);
  return out;
}

export function readPortfolios(file: string): Portfolio[] {
  const sheet = readCsv(file);
  const ic = columnIndex(sheet, 'portfolio_id');
  const nc = columnIndex(sheet, 'name');
  const navc = columnIndex(sheet, 'nav');
  const cc = columnIndex(sheet, 'currency', false);
  const seen = new Set<string>();
  const out: Portfolio[] = [];
  sheet.forEachRow((row, i) => {
    const id = cell(sheet, row, i, ic, 'portfolio_id');
    if (seen.has(id)) throw new InputError(sheet.file, i + 2, 'portfolio_id', `duplicate portfolio "${id}"`);
    seen.add(id);
    const name = cell(sheet, row, i, nc, 'name');
    // An empty NAV means "derive it": NAV is then the net market value.
    const nav = (row[navc] ?? '').trim() === '' ? null : numberCell(sheet, row, i, navc, 'nav');
    if (nav !== null && nav <= 0) throw new InputError(sheet.file, i + 2, 'nav', `"${row[navc].trim()}" must be above 0 (leave it empty to derive NAV)`);
    const currency = cc >= 0 && (row[cc] ?? '').trim() !== '' ? row[cc].trim().toUpperCase() : 'USD';
    if (!/^[A-Z]{3}$/.test(currency)) throw new InputError(sheet.file, i + 2, 'currency', `"${row[cc]}" is not a 3-letter currency code`);
    out.push({ id, name, nav, currency });
  }, [ic, nc, navc, cc].filter((c) => c >= 0));
  return out;
}
