// Reading the book from CSV files (the formats of docs/interfaces.md): prices (long or wide),
// positions and portfolios. Every problem is an InputError naming file, line and field.
// Used by both `risk-desk import` and `risk-desk metrics`, so the two accept exactly the same files.
import fs from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import type { Portfolio, Position } from '../../../shared/domain';
import { InputError, type PriceTable } from './types';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function isIsoDate(s: string): boolean {
  if (!ISO_DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}

interface CsvSheet {
  file: string;
  header: string[];
  /** Data rows (header removed). Row i is on line i + 2 of the file. */
  rows: string[][];
}

/** Reads a CSV file with a header row. Blank lines are skipped; line numbers still match the file. */
export function readCsv(file: string): CsvSheet {
  const name = path.basename(file);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(file, null, null, code === 'ENOENT' ? 'file not found' : `cannot read file (${code ?? String(err)})`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: false, delimiter: ',' });
  const quoteError = parsed.errors.find((e) => e.type === 'Quotes');
  if (quoteError) throw new InputError(file, (quoteError.row ?? 0) + 1, null, quoteError.message);
  const all = parsed.data;
  const header = (all[0] ?? []).map((h) => h.trim());
  if (header.length === 0 || header.every((h) => h === '')) throw new InputError(file, 1, null, `${name} is empty: a header row is required`);
  const rows: string[][] = [];
  for (let i = 1; i < all.length; i++) {
    const r = all[i];
    // Papa yields [''] for a blank line; keep the slot so row index maps to line number.
    rows.push(r.length === 1 && r[0].trim() === '' ? [] : r);
  }
  return { file, header, rows };
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

function dateCell(sheet: CsvSheet, row: string[], rowIndex: number, col: number): string {
  const raw = cell(sheet, row, rowIndex, col, 'date');
  if (!isIsoDate(raw)) throw new InputError(sheet.file, rowIndex + 2, 'date', `"${raw}" is not an ISO date (YYYY-MM-DD)`);
  return raw;
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
  const bySymbol = new Map<string, Map<string, number>>();
  const dates = new Set<string>();
  const put = (symbol: string, date: string, close: number, rowIndex: number, field: string) => {
    let series = bySymbol.get(symbol);
    if (!series) bySymbol.set(symbol, (series = new Map()));
    if (series.has(date)) throw new InputError(sheet.file, rowIndex + 2, field, `duplicate close for ${symbol} on ${date}`);
    series.set(date, close);
    dates.add(date);
  };

  if (isLong) {
    const symCol = columnIndex(sheet, 'symbol');
    const closeCol = columnIndex(sheet, 'close');
    sheet.rows.forEach((row, i) => {
      if (row.length === 0) return;
      const date = dateCell(sheet, row, i, dateCol);
      const symbol = cell(sheet, row, i, symCol, 'symbol');
      put(symbol, date, positivePrice(sheet, i, 'close', cell(sheet, row, i, closeCol, 'close')), i, 'close');
    });
  } else {
    const symbolCols = sheet.header.map((h, i) => ({ h, i })).filter(({ i }) => i !== dateCol);
    if (symbolCols.length === 0) throw new InputError(sheet.file, 1, null, 'no symbol columns: expected date,symbol,close or date,SYM1,SYM2,...');
    for (const { h, i } of symbolCols) if (h === '') throw new InputError(sheet.file, 1, `column ${i + 1}`, 'symbol column has an empty name');
    sheet.rows.forEach((row, r) => {
      if (row.length === 0) return;
      const date = dateCell(sheet, row, r, dateCol);
      for (const { h, i } of symbolCols) {
        const raw = (row[i] ?? '').trim();
        if (raw === '') continue;
        put(h, date, positivePrice(sheet, r, h, raw), r, h);
      }
    });
  }
  const sortedDates = [...dates].sort();
  const symbols = [...bySymbol.keys()].sort();
  const closes = new Float64Array(sortedDates.length * symbols.length).fill(NaN);
  const dateIndex = new Map(sortedDates.map((d, i) => [d, i]));
  symbols.forEach((s, j) => {
    for (const [d, c] of bySymbol.get(s)!) closes[dateIndex.get(d)! * symbols.length + j] = c;
  });
  return { dates: sortedDates, symbols, closes };
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
  const seen = new Set<string>();
  const out: PositionRow[] = [];
  sheet.rows.forEach((row, i) => {
    if (row.length === 0) return;
    const portfolio_id = cell(sheet, row, i, pc, 'portfolio_id');
    const symbol = cell(sheet, row, i, sc, 'symbol');
    const quantity = numberCell(sheet, row, i, qc, 'quantity');
    const key = `${portfolio_id}\u0000${symbol}`;
    if (seen.has(key)) throw new InputError(sheet.file, i + 2, 'symbol', `duplicate position ${portfolio_id}/${symbol}`);
    seen.add(key);
    out.push({ portfolio_id, symbol, quantity, line: i + 2 });
  });
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
  sheet.rows.forEach((row, i) => {
    if (row.length === 0) return;
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
  });
  return out;
}
