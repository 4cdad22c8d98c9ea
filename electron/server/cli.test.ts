// The `risk-desk` command as a user runs it: the built bin, real files, real exit codes.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../core/store/store';
import { tempDir, writeFile } from '../core/testing';

const BIN = path.resolve(__dirname, '../../bin/risk-desk.js');
const tmp = tempDir();
afterAll(() => tmp.cleanup());
beforeAll(() => {
  if (!fs.existsSync(path.resolve(__dirname, '../../out/main/cli.js'))) throw new Error('run `npm run build` first: the CLI tests run the built bin');
});

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, RISK_DESK_LOG_LEVEL: 'warn' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('risk-desk CLI', () => {
  it.each([[], ['serve'], ['import']])('prints help for %j', (...cmd) => {
    const r = run(...cmd.flat(), '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: risk-desk/);
  });

  it('import loads files and reports counts; a bad row exits non-zero naming file, line and field and changes nothing', () => {
    const db = path.join(tmp.dir, 'cli.db');
    const prices = writeFile(tmp.dir, 'p.csv', 'date,AAPL,MSFT\n2026-01-02,100,200\n2026-01-05,101,199\n');
    const pf = writeFile(tmp.dir, 'pf.csv', 'portfolio_id,name,nav\np1,One,1000\n');
    const pos = writeFile(tmp.dir, 'pos.csv', 'portfolio_id,symbol,quantity\np1,AAPL,3\n');
    const ok = run('import', '--db', db, '--prices', prices, '--portfolios', pf, '--positions', pos);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/imported 1 portfolios, 4 prices for 2 symbols, 1 positions/);

    const badPos = writeFile(tmp.dir, 'bad.csv', 'portfolio_id,symbol,quantity\np1,MSFT,7\np1,AAPL,lots\n');
    const bad = run('import', '--db', db, '--positions', badPos);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/bad\.csv: line 3, field "quantity": "lots" is not a finite number/);
    const store = Store.open(db);
    expect(store.book.listPositions()).toEqual([{ portfolio_id: 'p1', symbol: 'AAPL', quantity: 3 }]);
    store.close();
  });

  it('rejects a bad flag with one clear line', () => {
    const r = run('serve', '--port', 'abc');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--port.*must be an integer/);
  });

  it('import without files says what is missing', () => {
    const r = run('import', '--db', path.join(tmp.dir, 'x.db'));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/give at least one of --prices, --positions, --portfolios/);
  });
});
