// Does the engine belong in Electron's main process? The main process also runs the window's
// input, IPC and the tray; a synchronous stall there freezes them. This bench runs the desk as
// the shell hosts it (open + seed, then the live engine plus the dashboard's IPC traffic
// through dispatch) under plain Node and measures event-loop blocking with
// perf_hooks.monitorEventLoopDelay. Figures and the decision: docs/desktop.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { dispatch } from '../electron/core/api/dispatch';
import { createHandlers } from '../electron/core/api/handlers';
import { Desk } from '../electron/core/desk';
import { DEMO_PORTFOLIOS, demoPositions, generateDemoPrices } from '../electron/core/demo/generator';
import { RiskBook } from '../electron/core/risk/book';
import { forwardEngineEvents } from '../electron/main/logic/host';
import { percentile, report } from './util';

const RUN_MS = Number(process.env.SHELL_BENCH_MS ?? 10_000);
const IPC_EVERY_MS = 100;
const ctx = { actor: 'bench', role: 'admin' as const };

const msOf = (ns: number) => `${(ns / 1e6).toFixed(2)} ms`;
const RESOLUTION_MS = 5;

/**
 * Event-loop lag while fn runs (the histogram's figures less its own sampling interval), and
 * event-loop utilisation: the share of wall time the loop was busy running our code. On a
 * shared machine lag also counts time the OS gave the CPU to others; utilisation does not.
 */
async function lagDuring(runMs: number, during: () => () => void) {
  const h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  const elu0 = performance.eventLoopUtilization();
  h.enable();
  const stop = during();
  await new Promise((r) => setTimeout(r, runMs));
  stop();
  h.disable();
  const elu = performance.eventLoopUtilization(elu0).utilization;
  const lag = (ns: number) => Math.max(0, ns - RESOLUTION_MS * 1e6);
  return { p50: lag(h.percentile(50)), p99: lag(h.percentile(99)), max: lag(h.max), elu };
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'risk-desk-shell-bench-'));
  try {
    // 1. Start-up: Desk.open is synchronous, so its whole duration is one stall (before the window shows).
    let t = process.hrtime.bigint();
    const desk = Desk.open({ dbFile: path.join(dir, 'desk.db') });
    report('Desk.open, new database + demo seed (one stall)', msOf(Number(process.hrtime.bigint() - t)), '< 2000 ms, before the window shows');
    await desk.close();
    t = process.hrtime.bigint();
    const reopened = Desk.open({ dbFile: path.join(dir, 'desk.db') });
    report('Desk.open, existing database (one stall)', msOf(Number(process.hrtime.bigint() - t)), '< 200 ms');

    // 2. The machine's own noise floor (2 shared cores): an idle loop, measured the same way.
    const idle = await lagDuring(Math.min(RUN_MS, 3000), () => () => undefined);

    // 3. Steady state: the engine's own loop (whatever Desk starts on open) plus what the shell adds:
    //    every event forwarded, and the dashboard polling the API over IPC.
    const handlers = createHandlers(reopened);
    let events = 0;
    let calls = 0;
    let failures = 0;
    let longestCallNs = 0;
    const busy = await lagDuring(RUN_MS, () => {
      const stopEvents = forwardEngineEvents(reopened.events, () => events++);
      const poll = setInterval(() => {
        for (const name of ['portfolios.list', 'thresholds.list', 'alerts.list', 'audit.list'] as const) {
          // The synchronous part of a call (validation, the handler's SQLite reads) blocks the loop.
          // Measured in CPU time, which the OS's scheduling of other processes does not inflate.
          const cpu0 = process.cpuUsage();
          const pending = dispatch(handlers, name, {}, ctx);
          const cpu = process.cpuUsage(cpu0);
          longestCallNs = Math.max(longestCallNs, (cpu.user + cpu.system) * 1000);
          void pending.then((r) => {
            calls++;
            if (!r.ok) failures++;
          });
        }
      }, IPC_EVERY_MS);
      return () => {
        clearInterval(poll);
        stopEvents();
      };
    });
    await reopened.close();

    // 4. The live risk loop, as the monitor will run it in this process: the demo book in a
    //    RiskBook, a tick for every symbol every 250 ms, metrics recomputed for every portfolio.
    const table = generateDemoPrices({ lastDate: '2026-11-25' });
    const book = RiskBook.create({ table, portfolios: DEMO_PORTFOLIOS.map((p) => ({ id: p.id, name: p.name, nav: p.nav, currency: p.currency })), positions: demoPositions(table) });
    const cycleNs: number[] = [];
    const live = await lagDuring(RUN_MS, () => {
      const timer = setInterval(() => {
        const cpu0 = process.cpuUsage();
        for (const symbol of book.symbols()) book.applyTick(symbol, book.lastPrice(symbol)! * (1 + (Math.random() - 0.5) * 0.002), '2026-11-26');
        for (const id of book.portfolioIds()) book.metrics(id);
        const cpu = process.cpuUsage(cpu0);
        cycleNs.push((cpu.user + cpu.system) * 1000);
      }, 250);
      return () => clearInterval(timer);
    });

    report(`steady state over ${RUN_MS / 1000} s: IPC calls answered`, `${calls}${failures ? ` (${failures} errors)` : ''}`);
    report('engine events forwarded', String(events));
    report('longest synchronous IPC call (CPU time)', msOf(longestCallNs), '< 16 ms');
    report('event-loop utilisation idle / running', `${(idle.elu * 100).toFixed(1)}% / ${(busy.elu * 100).toFixed(1)}%`);
    report('event-loop lag idle (noise floor) p99 / max', `${msOf(idle.p99)} / ${msOf(idle.max)}`);
    report('event-loop lag p50', msOf(busy.p50));
    report('event-loop lag p99', msOf(busy.p99), '< 16 ms (one frame)');
    report('event-loop lag max', msOf(busy.max), '< 50 ms, else a utilityProcess');
    cycleNs.sort((a, b) => a - b);
    report(`live risk: ${book.symbols().length} symbols ticked, ${book.portfolioIds().length} portfolios recomputed, cycles`, String(cycleNs.length));
    report('risk cycle CPU time p50 / max (the first warms the JIT)', `${msOf(percentile(cycleNs, 0.5))} / ${msOf(cycleNs.at(-1) ?? 0)}`, '< 16 ms');
    report('event-loop utilisation with the risk loop', `${(live.elu * 100).toFixed(1)}%`);
    report('event-loop lag with the risk loop p99 / max', `${msOf(live.p99)} / ${msOf(live.max)}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
