// The positions and portfolios files of `risk-desk metrics`, read on a second thread while the
// first reads the prices: the price file is the larger part, and the two do not depend on each
// other until the book is built. The worker answers in columns (the few distinct names once,
// numbers as typed arrays moved, not copied), so taking its answer costs the main thread ~10 ms,
// not the ~100 ms that cloning 100,000 row objects would.
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Portfolio } from '../../shared/domain';
import { type PositionRow, readPortfolios, readPositions } from '../core/book/csv';
import { InputError } from '../core/book/types';

export interface PositionFiles {
  positions: PositionRow[];
  portfolios: Portfolio[] | null;
}

export interface PositionFilesRequest {
  positions: string;
  portfolios?: string;
}

/** Positions as columns: names once, each row's indices, quantities and line numbers as typed arrays. */
export interface PackedPositionFiles {
  names: string[];
  portfolio: Int32Array;
  symbol: Int32Array;
  quantity: Float64Array;
  line: Int32Array;
  portfolios: Portfolio[] | null;
}

/** What the worker posts: the files, or the InputError's parts (an Error does not cross threads intact), or a failure. */
export type WorkerAnswer = { ok: PackedPositionFiles } | { input: { file: string; line: number | null; field: string | null; reason: string } } | { failed: string };

/** Reads both files on this thread (prices first is the caller's business). */
export function readPositionFiles(req: PositionFilesRequest): PositionFiles {
  const positions = readPositions(req.positions);
  return { positions, portfolios: req.portfolios ? readPortfolios(req.portfolios) : null };
}

export function packPositionFiles(files: PositionFiles): PackedPositionFiles {
  const index = new Map<string, number>();
  const names: string[] = [];
  const id = (s: string) => {
    let k = index.get(s);
    if (k === undefined) index.set(s, (k = names.push(s) - 1));
    return k;
  };
  const n = files.positions.length;
  const packed: PackedPositionFiles = { names, portfolio: new Int32Array(n), symbol: new Int32Array(n), quantity: new Float64Array(n), line: new Int32Array(n), portfolios: files.portfolios };
  files.positions.forEach((p, i) => {
    packed.portfolio[i] = id(p.portfolio_id);
    packed.symbol[i] = id(p.symbol);
    packed.quantity[i] = p.quantity;
    packed.line[i] = p.line;
  });
  return packed;
}

export function unpackPositionFiles(p: PackedPositionFiles): PositionFiles {
  const positions: PositionRow[] = new Array(p.quantity.length);
  for (let i = 0; i < positions.length; i++) positions[i] = { portfolio_id: p.names[p.portfolio[i]], symbol: p.names[p.symbol[i]], quantity: p.quantity[i], line: p.line[i] };
  return { positions, portfolios: p.portfolios };
}

/** The worker's bundled entry: next to this module in the built app (out/main); absent when running from sources. */
export const POSITION_FILES_WORKER = path.join(__dirname, 'position-files-worker.js');

/**
 * Starts reading the files: on a worker thread when the bundled worker is there, otherwise (from
 * sources, in tests) on this thread when the result is asked for. Either way errors surface from
 * `result()`, as the InputError reading them on this thread would throw.
 */
export function startReadingPositionFiles(req: PositionFilesRequest, workerFile = POSITION_FILES_WORKER): { result(): Promise<PositionFiles>; cancel(): void } {
  if (!fs.existsSync(workerFile)) return { result: async () => readPositionFiles(req), cancel: () => undefined };
  const worker = new Worker(workerFile, { workerData: req });
  const answer = new Promise<PositionFiles>((resolve, reject) => {
    worker.once('message', (a: WorkerAnswer) => {
      if ('ok' in a) resolve(unpackPositionFiles(a.ok));
      else if ('input' in a) reject(new InputError(a.input.file, a.input.line, a.input.field, a.input.reason));
      else reject(new Error(a.failed));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the positions reader stopped (exit code ${code}) before answering`)));
  });
  // A rejection nobody awaits yet (the prices may fail first) must not crash the process.
  answer.catch(() => undefined);
  return { result: () => answer, cancel: () => void worker.terminate() };
}
