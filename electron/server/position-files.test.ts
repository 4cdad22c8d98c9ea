// Reading positions on a second thread: the built worker (out/main) gives exactly what this thread
// reads, and an error in the files is the same InputError either way.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../core/book/types';
import { tempDir, writeFile } from '../core/testing';
import { packPositionFiles, readPositionFiles, startReadingPositionFiles, unpackPositionFiles } from './position-files';

const BUILT_WORKER = path.resolve(__dirname, '../../out/main/position-files-worker.js');
const tmp = tempDir();
afterAll(() => tmp.cleanup());
beforeAll(() => {
  if (!fs.existsSync(BUILT_WORKER)) throw new Error('run `npm run build` first: this test runs the built worker');
});

const positions = () => writeFile(tmp.dir, 'pos.csv', 'portfolio_id,symbol,quantity\nalpha,AAPL,100\nalpha,MSFT,-50.5\nbeta,AAPL,7\n\nbeta,TSLA,1e3\n');
const portfolios = () => writeFile(tmp.dir, 'pf.csv', 'portfolio_id,name,nav,currency\nalpha,Alpha,1000000,usd\nbeta,Beta,,EUR\n');

describe('positions files on a second thread', () => {
  it('packs into columns and unpacks to the same rows', () => {
    const read = readPositionFiles({ positions: positions(), portfolios: portfolios() });
    const packed = packPositionFiles(read);
    expect(packed.names).toEqual(['alpha', 'AAPL', 'MSFT', 'beta', 'TSLA']);
    expect(unpackPositionFiles(packed)).toEqual(read);
  });

  it('the built worker reads what this thread reads (line numbers included)', async () => {
    const req = { positions: positions(), portfolios: portfolios() };
    const viaWorker = await startReadingPositionFiles(req, BUILT_WORKER).result();
    expect(viaWorker).toEqual(readPositionFiles(req));
    expect(viaWorker.positions.map((p) => p.line)).toEqual([2, 3, 4, 6]);
  });

  it('an error in the files comes back as the same InputError, from the worker or from this thread', async () => {
    const req = { positions: writeFile(tmp.dir, 'bad.csv', 'portfolio_id,symbol,quantity\nalpha,AAPL,100\nalpha,AAPL,5\n') };
    const fromWorker = await startReadingPositionFiles(req, BUILT_WORKER).result().catch((e: unknown) => e);
    const here = await startReadingPositionFiles(req, path.join(tmp.dir, 'no-worker.js')).result().catch((e: unknown) => e);
    expect(fromWorker).toBeInstanceOf(InputError);
    expect(here).toBeInstanceOf(InputError);
    expect((fromWorker as Error).message).toBe((here as Error).message);
    expect((fromWorker as Error).message).toMatch(/bad\.csv: line 3, field "symbol": duplicate position alpha\/AAPL/);
  });

  it('a missing file is the same one-line error through the worker', async () => {
    const err = await startReadingPositionFiles({ positions: path.join(tmp.dir, 'missing.csv') }, BUILT_WORKER).result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe(`${path.join(tmp.dir, 'missing.csv')}: file not found`);
  });
});
