// Worker thread entry (bundled as out/main/position-files-worker.js): reads the positions and
// portfolios files named in workerData and posts them packed (see position-files.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { InputError } from '../core/book/types';
import { type PositionFilesRequest, type WorkerAnswer, packPositionFiles, readPositionFiles } from './position-files';

let answer: WorkerAnswer;
let transfer: ArrayBuffer[] = [];
try {
  const packed = packPositionFiles(readPositionFiles(workerData as PositionFilesRequest));
  answer = { ok: packed };
  transfer = [packed.portfolio.buffer, packed.symbol.buffer, packed.quantity.buffer, packed.line.buffer] as ArrayBuffer[];
} catch (err) {
  answer = err instanceof InputError ? { input: { file: err.file, line: err.line, field: err.field, reason: err.reason } } : { failed: err instanceof Error ? (err.stack ?? err.message) : String(err) };
}
parentPort!.postMessage(answer, transfer);
