// `risk-desk serve` with its feed flags, as a user runs it: the built bin, real files, real exit codes.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, waitFor, writeFile } from '../core/testing';

const BIN = path.resolve(__dirname, '../../bin/risk-desk.js');
const tmp = tempDir();
afterAll(() => tmp.cleanup());
beforeAll(() => {
  if (!fs.existsSync(path.resolve(__dirname, '../../out/main/cli.js'))) throw new Error('run `npm run build` first: the CLI tests run the built bin');
});

const env = { ...process.env, RISK_DESK_LOG_LEVEL: 'info', RISK_DESK_FEED: '', REDIS_URL: '' };

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs `serve` until `until` matches its output, then stops it with SIGTERM; returns everything it printed. */
async function serveUntil(args: string[], until: RegExp): Promise<string> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (b) => (out += b));
  child.stderr!.on('data', (b) => (out += b));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitFor(() => until.test(out) || child.exitCode !== null, `serve to print ${until}`, 30_000);
  } finally {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  }
  return out;
}

describe('risk-desk serve: feeds', () => {
  it('a missing replay file exits 2 with one line, before the database is created', () => {
    const db = path.join(tmp.dir, 'never.db');
    const r = run('serve', '--db', db, '--replay', path.join(tmp.dir, 'missing.csv'));
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n').filter((l) => l.startsWith('risk-desk:'))).toEqual([`risk-desk: ${path.join(tmp.dir, 'missing.csv')}: file not found`]);
    expect(fs.existsSync(db)).toBe(false);
  });

  it.each([
    [['--cycle-seconds', '5'], /--cycle-seconds.*from 10 to 300/],
    [['--coalesce-ms', '-1'], /--coalesce-ms.*from 0 to 1000/],
    [['--coalesce-ms', 'soon'], /--coalesce-ms.*from 0 to 1000/],
    [['--recompute-budget', '0'], /--recompute-budget.*from 0.05 to 1/],
    [['--recompute-budget', '1.5'], /--recompute-budget.*from 0.05 to 1/],
    [['--speed', '60'], /--speed applies only with --replay/],
    [['--feed', 'http://example.test/feed'], /expected ws:\/\/, wss:\/\/, redis:\/\/ or rediss:\/\//],
    [['--feed', 'ws://127.0.0.1:1/x', '--replay', 'x.csv'], /either --feed or --replay/],
  ])('refuses %j with a clear message', (args, message) => {
    const r = run('serve', '--db', path.join(tmp.dir, 'flags.db'), ...args);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
  });

  it('passes --coalesce-ms and --recompute-budget to the live loop, which logs them at start', async () => {
    const out = await serveUntil(['--db', path.join(tmp.dir, 'live-flags.db'), '--coalesce-ms', '5', '--recompute-budget', '1'], /monitor started/);
    const started = JSON.parse(out.split('\n').find((l) => l.includes('monitor started'))!);
    expect(started).toMatchObject({ coalesce_ms: 5, recompute_budget: 1 });
  });

  it('never prints the password of a feed URL, while it retries', async () => {
    const out = await serveUntil(['--db', path.join(tmp.dir, 'secret.db'), '--feed', 'ws://desk:Sup3rS3cret@127.0.0.1:1/prices'], /attempt":2/);
    expect(out).toMatch(/listening on http:\/\//);
    expect(out).toContain('ws://desk:***@127.0.0.1:1/prices');
    expect(out).not.toContain('Sup3rS3cret');
  });

  it('replays a price file through the served desk and says when it is done', async () => {
    const db = path.join(tmp.dir, 'replay.db');
    const prices = writeFile(tmp.dir, 'hist.csv', 'date,AAPL,MSFT\n2026-01-01,100,200\n2026-01-02,101,199\n2026-01-05,102,201\n');
    const pf = writeFile(tmp.dir, 'pf.csv', 'portfolio_id,name,nav\np1,One,100000\n');
    const pos = writeFile(tmp.dir, 'pos.csv', 'portfolio_id,symbol,quantity\np1,AAPL,300\np1,MSFT,200\n');
    expect(run('import', '--db', db, '--prices', prices, '--portfolios', pf, '--positions', pos).code).toBe(0);
    const replay = writeFile(tmp.dir, 'next.csv', 'date,symbol,close\n2026-01-06,AAPL,104\n2026-01-06,MSFT,198\n2026-01-07,AAPL,103\n2026-01-07,MSFT,205\n');
    // The replay starts with the desk, before the server listens: wait for both lines, in either order.
    const out = await serveUntil(['--db', db, '--no-demo', '--replay', replay, '--speed', String(4 * 86_400)], /replay finished[\s\S]*listening on|listening on[\s\S]*replay finished/);
    expect(out).toMatch(/listening on http:\/\//);
    expect(out).toMatch(/"kind":"replay"/);
    expect(out).not.toMatch(/"level":50/);
  });
});
