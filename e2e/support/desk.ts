// Starts the built `risk-desk serve` on a free port with a temporary database, and
// launches Debian's Chromium through playwright-core (never a downloaded browser).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const ROOT = path.resolve(__dirname, '..', '..');
export const BIN = path.join(ROOT, 'bin', 'risk-desk.js');

export interface ServedDesk {
  url: string;
  /** The admin dashboard link printed when no secret was configured, if any. */
  adminUrl?: string;
  dir: string;
  process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export async function serveDesk(args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<ServedDesk> {
  if (!fs.existsSync(path.join(ROOT, 'out', 'main', 'cli.js'))) throw new Error('out/ is missing: run `npm run build` before the e2e tests');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'risk-desk-e2e-'));
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--db', path.join(dir, 'desk.db'), ...args], {
    env: { ...process.env, RISK_DESK_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (b) => (out += b));
  child.stderr!.on('data', (b) => (out += b));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start in 30 s:\n${out}`)), 30_000);
    const check = () => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${out}`));
    });
  });
  // Without a configured secret serve prints an admin link with the ready line: wait for it.
  const secretGiven = args.includes('--jwt-secret') || Boolean(env.WEBSOCKET_JWT_SECRET ?? process.env.WEBSOCKET_JWT_SECRET);
  for (let waited = 0; !secretGiven && !/\?token=\S+\n/.test(out) && waited < 10_000; waited += 25) await new Promise((r) => setTimeout(r, 25));
  const admin = /(http:\/\/\S+\?token=\S+)/.exec(out)?.[1];
  return {
    url,
    adminUrl: admin,
    dir,
    process: child,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** The admin token from the link `serve` printed (when it generated its own secret). */
export function adminToken(desk: ServedDesk): string {
  const token = desk.adminUrl ? new URL(desk.adminUrl).searchParams.get('token') : null;
  if (!token) throw new Error(`serve printed no admin link:\n${desk.output()}`);
  return token;
}

/** One REST call as the admin, failing with the server's answer on anything but 2xx. */
export async function api<T = unknown>(desk: ServedDesk, method: string, urlPath: string, body?: unknown): Promise<T> {
  const res = await fetch(`${desk.url}${urlPath}`, {
    method,
    headers: { Authorization: `Bearer ${adminToken(desk)}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${urlPath}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Opens the dashboard with the admin link and waits until the book is on screen. */
export async function openDashboard(browser: Browser, desk: ServedDesk, viewport = { width: 1920, height: 1080 }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  await page.goto(desk.adminUrl ?? desk.url);
  await page.waitForSelector('[data-portfolio]', { timeout: 45_000 });
  return page;
}
