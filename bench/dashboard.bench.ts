// `npm run bench -- dashboard`: is the dashboard smooth with 200 portfolios updating every
// second? Builds the dashboard, serves it from a load-generating desk server (bench/support/
// load-server.ts: every portfolio's snapshot pushed once a second in one burst, as a refresh
// cycle does), opens it in Chromium at 1920x1080 and records main-thread long tasks
// (PerformanceObserver 'longtask', tasks over 50 ms) for 30 s while the user scrolls the grid.
// Then the same for the portfolio view (live charts) for 10 s. Long tasks are wall-clock time, so
// on a busy machine each view is also traced to report every task's own CPU time.
//
// DASHBOARD_BENCH_URL=http://host:port/?token=... measures a running desk instead.
// DASHBOARD_BENCH_EXPLAIN=1 also prints each view's five longest tasks and what ran in them.
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { type CDPSession, chromium, type Page } from 'playwright-core';
import { buildRenderer } from './support/build-renderer';
import { startLoadServer } from './support/load-server';
import { describeLongestTasks, mainThreadEvents, type TraceEvent } from './support/trace-tasks';
import { report } from './util';

const PORTFOLIOS = 200;
const MEASURE_MS = Number(process.env.DASHBOARD_BENCH_MS ?? 30_000);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

interface Observed {
  tasks: number[];
  frames: number;
  applied: number;
  /** Main-thread CPU time (ms) over the window: what the page costs, whatever else runs on the machine. */
  cpuMs: number;
}

/**
 * Installed before the page's own scripts: long tasks and animation frames from the start.
 * A string, not a function: the TypeScript loader decorates functions with helpers the page lacks.
 */
const INSTRUMENT = `(() => {
  const state = { tasks: [], frames: 0, reset() { state.tasks = []; state.frames = 0; } };
  window.__bench = state;
  new PerformanceObserver((list) => { for (const e of list.getEntries()) state.tasks.push(e.duration); }).observe({ type: 'longtask', buffered: true });
  const tick = () => { state.frames++; requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
})();`;

async function appliedCount(page: Page): Promise<number> {
  // The status bar's upd/s is per second; the total comes from the events the page received.
  // Expressions as strings: this file is type-checked for Node, without the DOM library.
  return page.evaluate<number>(`Number(document.querySelector('[data-testid="events-applied"]')?.getAttribute('data-count') ?? NaN)`);
}

async function threadTimeMs(cdp: CDPSession): Promise<number> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
  return (metrics.find((m) => m.name === 'ThreadTime')?.value ?? NaN) * 1000;
}

async function measure(page: Page, cdp: CDPSession, ms: number, during?: () => Promise<void>): Promise<Observed> {
  const applied0 = await appliedCount(page);
  const cpu0 = await threadTimeMs(cdp);
  await page.evaluate('window.__bench.reset()');
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (during) await during();
    await page.waitForTimeout(Math.min(2000, Math.max(0, end - Date.now())));
  }
  const { tasks, frames } = await page.evaluate<{ tasks: number[]; frames: number }>('({ tasks: window.__bench.tasks, frames: window.__bench.frames })');
  return { tasks, frames, applied: (await appliedCount(page)) - applied0, cpuMs: (await threadTimeMs(cdp)) - cpu0 };
}

function print(label: string, o: Observed, ms: number): void {
  const max = o.tasks.length ? Math.max(...o.tasks) : 0;
  const blocking = o.tasks.reduce((a, d) => a + Math.max(0, d - 50), 0);
  report(`${label}: long tasks (> 50 ms)`, String(o.tasks.length), '0');
  report(`${label}: longest task`, `${max.toFixed(0)} ms`, '< 50 ms');
  report(`${label}: total blocking time`, `${blocking.toFixed(0)} ms`);
  report(`${label}: frames per second`, (o.frames / (ms / 1000)).toFixed(1));
  report(`${label}: main-thread CPU`, `${((100 * o.cpuMs) / ms).toFixed(1)} %`);
  if (Number.isFinite(o.applied)) report(`${label}: pushed updates applied / s`, (o.applied / (ms / 1000)).toFixed(0), `${PORTFOLIOS}`);
}

/**
 * Main-thread tasks by their own CPU time (trace `tdur`), which a busy machine does not stretch:
 * what each task would cost the page on an idle core of this CPU.
 */
async function taskCpu(page: Page, ms: number, during?: () => Promise<void>): Promise<number[]> {
  const browser = page.context().browser()!;
  await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (during) await during();
    await page.waitForTimeout(Math.min(2000, Math.max(0, end - Date.now())));
  }
  const trace = JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] };
  const main = mainThreadEvents(trace.traceEvents);
  if (process.env.DASHBOARD_BENCH_EXPLAIN) for (const line of describeLongestTasks(main, 5)) console.log(`    ${line}`);
  return main.filter((e) => e.name === 'RunTask').map((e) => (e.tdur ?? 0) / 1000);
}

function printCpu(label: string, cpu: number[]): void {
  const sorted = [...cpu].sort((a, b) => a - b);
  report(`${label}: tasks over 50 ms of CPU`, String(sorted.filter((t) => t > 50).length), '0');
  report(`${label}: longest task, CPU time`, `${(sorted.at(-1) ?? 0).toFixed(0)} ms`, '< 50 ms');
  report(`${label}: 99th percentile task, CPU time`, `${(sorted[Math.floor(sorted.length * 0.99)] ?? 0).toFixed(1)} ms`);
}

async function main(): Promise<void> {
  // Long tasks are wall-clock: on a machine busy with other work they stretch. Say how busy it was.
  report('machine load average (1 min) at start', os.loadavg()[0].toFixed(1), `< ${os.cpus().length} for clean figures`);
  let url = process.env.DASHBOARD_BENCH_URL;
  let out: string | null = null;
  let server: Awaited<ReturnType<typeof startLoadServer>> | null = null;
  if (!url) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'risk-desk-dashboard-'));
    out = dir;
    const t0 = Date.now();
    await buildRenderer(dir);
    report('dashboard build', `${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const js = fs.readdirSync(path.join(dir, 'assets')).filter((f) => f.endsWith('.js'));
    const sizes = js.map((f) => fs.statSync(path.join(dir, 'assets', f)).size);
    report('bundle: entry + lazy chunks', sizes.map((s) => `${(s / 1024).toFixed(0)}`).join(' + ') + ' KiB');
    server = await startLoadServer({ portfolios: PORTFOLIOS, staticDir: dir });
    url = `${server.url}/?token=bench`;
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.addInitScript({ content: INSTRUMENT });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const t0 = Date.now();
    await page.goto(url);
    await page.waitForSelector('[data-portfolio]', { timeout: 30_000 });
    report('first rows on screen', `${Date.now() - t0} ms`);
    const loadTasks = await page.evaluate<number[]>('window.__bench.tasks.slice()');
    report('page load: long tasks', `${loadTasks.length} (max ${loadTasks.length ? Math.max(...loadTasks).toFixed(0) : 0} ms)`);
    await page.waitForTimeout(3000);

    let down = true;
    const grid = await page.$('.grid-scroll');
    const box = await grid!.boundingBox();
    // A user scrolling: ten wheel notches of 100 px, 40 ms apart, down then back up.
    const scroll = async () => {
      await page.mouse.move(box!.x + box!.width / 2, box!.y + box!.height / 2);
      for (let i = 0; i < 10; i++) {
        await page.mouse.wheel(0, down ? 100 : -100);
        await page.waitForTimeout(40);
      }
      down = !down;
    };
    const desk = await measure(page, cdp, MEASURE_MS, scroll);
    print('desk', desk, MEASURE_MS);
    printCpu('desk', await taskCpu(page, 10_000, scroll));

    await page.mouse.move(0, 0);
    await page.keyboard.press('j');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[aria-label="VaR and CVaR chart"]');
    await page.waitForTimeout(2000);
    const pfMs = Math.min(MEASURE_MS, 10_000);
    const pf = await measure(page, cdp, pfMs);
    print('portfolio view', pf, pfMs);
    printCpu('portfolio view', await taskCpu(page, pfMs));
  } finally {
    await browser.close();
    await server?.close();
    if (out) fs.rmSync(out, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
