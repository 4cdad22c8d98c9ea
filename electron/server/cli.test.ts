// The `risk-desk` command as a user runs it: the built bin, real files, real exit codes.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../core/store/store';
import { tempDir, writeFile } from '../core/testing';
import { TokenAuthority } from './auth';

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
  it.each([[], ['serve'], ['import'], ['metrics'], ['token']])('prints help for %j', (...cmd) => {
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

  describe('metrics', () => {
    // The hand-computed book of electron/core/risk/book.test.ts: A 100, 110, 99, (missing), 108.9; B 50, 50, 55, 44, 44.
    const prices = () => writeFile(tmp.dir, 'm-prices.csv', 'date,A,B\n2026-01-05,100,50\n2026-01-06,110,50\n2026-01-07,99,55\n2026-01-08,,44\n2026-01-09,108.9,44\n');
    const positions = () => writeFile(tmp.dir, 'm-pos.csv', 'portfolio_id,symbol,quantity\ngiven,A,10\ngiven,B,-20\nderived,A,10\nderived,B,-20\n');
    const portfolios = () => writeFile(tmp.dir, 'm-pf.csv', 'portfolio_id,name,nav\ngiven,Given,2000\nderived,Derived,\nempty,Empty,1000\n');

    it('prints every metric as JSON, one object per portfolio', () => {
      const r = run('metrics', '--prices', prices(), '--positions', positions(), '--portfolios', portfolios());
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const rows = JSON.parse(r.stdout);
      expect(rows.map((x: { portfolio_id: string }) => x.portfolio_id)).toEqual(['given', 'derived', 'empty']);
      const given = rows[0];
      expect(given.as_of).toBe('2026-01-09');
      expect(given.observations).toBe(4);
      expect(given.var_95).toBeCloseTo(-0.09845 + 0.1529 * 0.15, 15);
      expect(given.var_95_amount).toBeCloseTo((-0.09845 + 0.1529 * 0.15) * 2000, 11);
      expect(given.nav).toBe(2000);
      expect(given.concentration_risk.max_position).toBeCloseTo(0.5445, 15);
      expect(given.null_reasons).toEqual({});
      expect(rows[1].nav).toBe(209); // derived: net market value
      expect(rows[2].var_95).toBeNull();
      expect(rows[2].null_reasons.var_95).toMatch(/no positions/);
    });

    it('derives every NAV without --portfolios, and takes --window, --periods-per-year and --risk-free', () => {
      const r = run('metrics', '--prices', prices(), '--positions', positions(), '--window', '2', '--periods-per-year', '12', '--risk-free', '0.001');
      expect(r.code).toBe(0);
      const rows = JSON.parse(r.stdout);
      expect(rows.map((x: { portfolio_id: string }) => x.portfolio_id)).toEqual(['given', 'derived']);
      expect(rows[0].nav).toBe(209);
      expect(rows[0].observations).toBe(2);
      // Window: P&L 176, 108.9 over NAV 209; Sharpe of r - 0.001 annualised with sqrt(12).
      const r1 = 176 / 209, r2 = 108.9 / 209;
      const sd = Math.abs(r1 - r2) / Math.sqrt(2);
      expect(rows[0].sharpe_ratio).toBeCloseTo((((r1 + r2) / 2 - 0.001) / sd) * Math.sqrt(12), 12);
    });

    it('prints CSV with dotted column names, an empty cell for null, and the reasons', () => {
      const r = run('metrics', '--prices', prices(), '--positions', positions(), '--portfolios', portfolios(), '--format', 'csv');
      expect(r.code).toBe(0);
      const lines = r.stdout.trim().split('\n');
      expect(lines).toHaveLength(4);
      const header = lines[0].split(',');
      expect(header.slice(0, 4)).toEqual(['portfolio_id', 'as_of', 'observations', 'var_95']);
      expect(header).toContain('concentration_risk.top5');
      expect(header.at(-1)).toBe('null_reasons');
      const given = Object.fromEntries(lines[1].split(',').map((v, i) => [header[i], v]));
      expect(Number(given.var_95)).toBeCloseTo(-0.075515, 15);
      expect(given['concentration_risk.top5']).toBe('1');
      const empty = lines[3];
      expect(empty.startsWith('empty,2026-01-09,4,,')).toBe(true);
      expect(empty).toMatch(/var_95: portfolio holds no positions/);
    });

    it('prints an aligned table for people', () => {
      const r = run('metrics', '--prices', prices(), '--positions', positions(), '--portfolios', portfolios(), '--format', 'table');
      expect(r.code).toBe(0);
      const lines = r.stdout.split('\n');
      expect(lines[0]).toMatch(/^portfolio_id\s+as_of\s+observations\s+var_95\s+var_99/);
      expect(lines[2]).toMatch(/^given\s+2026-01-09\s+4\s+-7\.55%/);
      // Columns line up: every row is as wide as the dashes under the header.
      expect(lines[2].length).toBeLessThanOrEqual(lines[1].length);
      expect(r.stdout).toMatch(/n\/a:\n\s+empty var_95: portfolio holds no positions/);
    });

    const bad: [string, () => string[], RegExp][] = [
      ['a missing file', () => ['--prices', `${tmp.dir}/nope.csv`, '--positions', positions()], /nope\.csv: file not found/],
      ['a malformed price', () => ['--prices', writeFile(tmp.dir, 'bp.csv', 'date,A\n2026-01-05,100\n2026-01-06,abc\n'), '--positions', positions()], /bp\.csv: line 3, field "A": "abc" is not a price/],
      ['a malformed quantity (read on the second thread)', () => ['--prices', prices(), '--positions', writeFile(tmp.dir, 'bq.csv', 'portfolio_id,symbol,quantity\np,A,1\np,B,lots\n')], /bq\.csv: line 3, field "quantity": "lots" is not a finite number/],
      ['a missing positions file', () => ['--prices', prices(), '--positions', `${tmp.dir}/nopos.csv`], /nopos\.csv: file not found/],
      ['a bad price and a bad position: the prices are named first', () => ['--prices', writeFile(tmp.dir, 'bp2.csv', 'date,A\n2026-01-05,-1\n'), '--positions', `${tmp.dir}/nopos.csv`], /bp2\.csv: line 2/],
      ['an unknown symbol', () => ['--prices', prices(), '--positions', writeFile(tmp.dir, 'us.csv', 'portfolio_id,symbol,quantity\np,A,1\np,ZZZ,2\n')], /us\.csv: line 3, field "symbol": unknown symbol "ZZZ": it has no prices/],
      ['a portfolio missing from --portfolios', () => ['--prices', prices(), '--positions', writeFile(tmp.dir, 'up.csv', 'portfolio_id,symbol,quantity\nnope,A,1\n'), '--portfolios', portfolios()], /up\.csv: line 2, field "portfolio_id": unknown portfolio "nope"/],
      ['a bad window', () => ['--prices', prices(), '--positions', positions(), '--window', '0'], /--window.*whole number, at least 1/],
      ['a bad format', () => ['--prices', prices(), '--positions', positions(), '--format', 'xml'], /--format.*xml/],
      ['a missing flag', () => ['--prices', prices()], /--positions/],
    ];
    it.each(bad)('rejects %s with one line and exit code 2', (_name, args, message) => {
      const r = run('metrics', ...args());
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')[0]).toMatch(/^risk-desk: /);
    });
  });
});

describe('risk-desk token', () => {
  const SECRET = 'cli-test-secret-0123456789-0123456789-abcdef';

  it('mints a token the server secret verifies, with the role, subject and lifetime asked for', async () => {
    const r = run('token', '--role', 'risk_manager', '--sub', 'alice', '--expires', '2h', '--jwt-secret', SECRET);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const token = r.stdout.trim();
    expect(token.split('.')).toHaveLength(3);
    const claims = await TokenAuthority.fromSecret(SECRET).verify(token);
    expect(claims).toMatchObject({ actor: 'alice', role: 'risk_manager' });
    expect(claims.exp - Date.now() / 1000).toBeGreaterThan(7200 - 60);
    expect(claims.exp - Date.now() / 1000).toBeLessThanOrEqual(7200);
  });

  it('reads the secret from WEBSOCKET_JWT_SECRET', async () => {
    const r = spawnSync(process.execPath, [BIN, 'token', '--role', 'viewer', '--sub', 'bot'], { encoding: 'utf8', env: { ...process.env, WEBSOCKET_JWT_SECRET: SECRET } });
    expect(r.status).toBe(0);
    await expect(TokenAuthority.fromSecret(SECRET).verify(r.stdout.trim())).resolves.toMatchObject({ actor: 'bot', role: 'viewer' });
  });

  it.each([
    [['--role', 'viewer', '--sub', 'a'], /no secret: give --jwt-secret or set WEBSOCKET_JWT_SECRET/],
    [['--role', 'root', '--sub', 'a', '--jwt-secret', SECRET], /--role.*root.*viewer, risk_manager, admin/],
    [['--role', 'viewer', '--sub', 'a', '--expires', '8 hours', '--jwt-secret', SECRET], /"8 hours" is not a duration/],
    [['--role', 'viewer', '--jwt-secret', SECRET], /--sub/],
  ])('refuses %j with one clear line', (args, message) => {
    const env = { ...process.env };
    delete env.WEBSOCKET_JWT_SECRET;
    const r = spawnSync(process.execPath, [BIN, 'token', ...args], { encoding: 'utf8', env });
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });
});

describe('risk-desk serve', () => {
  /** Starts the built server on a free port; resolves once it has printed `lines` lines. */
  async function serve(args: string[], env: NodeJS.ProcessEnv, lines: number) {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--db', path.join(tmp.dir, `serve-${Math.random()}.db`), ...args], {
      env: { ...process.env, RISK_DESK_LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (b) => (stderr += b));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve did not start:\n${stdout}\n${stderr}`)), 30_000);
      child.stdout.on('data', (b) => {
        stdout += b;
        if (stdout.split('\n').length > lines) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`serve exited ${code}:\n${stderr}`)));
    });
    return {
      stdout: () => stdout,
      stderr: () => stderr,
      stop: () =>
        new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    };
  }

  it('without a secret prints the listening line, then an admin dashboard link whose token works', async () => {
    const s = await serve([], { WEBSOCKET_JWT_SECRET: '' }, 2);
    try {
      const [listening, link] = s.stdout().trim().split('\n');
      const url = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(listening)![1];
      const token = new RegExp(`^open the dashboard as admin \\(valid until this server stops\\): ${url.replace(/\./g, '\\.')}/\\?token=(\\S+)$`).exec(link)![1];
      expect((await fetch(`${url}/api/portfolios`)).status).toBe(401);
      const ok = await fetch(`${url}/api/portfolios`, { headers: { authorization: `Bearer ${token}` } });
      expect(ok.status).toBe(200);
      expect(JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString())).toMatchObject({ sub: 'admin', role: 'admin' });
    } finally {
      await s.stop();
    }
  });

  it('with a configured secret prints no link, accepts minted tokens, and never prints the secret', async () => {
    const secret = 'serve-test-secret-9f8e7d6c5b4a-0123456789';
    const s = await serve([], { WEBSOCKET_JWT_SECRET: secret }, 1);
    try {
      const url = /^listening on (http:\/\/\S+)$/.exec(s.stdout().trim())![1];
      const minted = run('token', '--role', 'viewer', '--sub', 'script', '--jwt-secret', secret).stdout.trim();
      expect((await fetch(`${url}/api/portfolios`, { headers: { authorization: `Bearer ${minted}` } })).status).toBe(200);
      expect((await fetch(`${url}/api/portfolios`, { headers: { authorization: 'Bearer x.y.z' } })).status).toBe(401);
    } finally {
      await s.stop();
    }
    expect(s.stdout()).not.toMatch(/token=/);
    expect(s.stdout() + s.stderr()).not.toContain(secret);
  });
});
