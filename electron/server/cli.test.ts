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
  it.each([[], ['serve'], ['import'], ['token']])('prints help for %j', (...cmd) => {
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
