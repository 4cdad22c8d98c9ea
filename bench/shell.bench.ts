// Does the engine belong in Electron's main process? The main process also runs the window's
// input, IPC and the tray; a synchronous stall there freezes them. This bench runs the desk as
// the shell hosts it, under plain Node: open (and seed), then the live desk on its own (the
// monitor on the simulated feed, the alert engine, the notifier), then the live desk plus what
// the shell adds (every engine event forwarded, the dashboard's API calls through dispatch).
// It reads perf_hooks.monitorEventLoopDelay, performance.eventLoopUtilization and the CPU time
// of each IPC call. Figures and the decision: docs/desktop.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { dispatch } from '../electron/core/api/dispatch';
import { createHandlers } from '../electron/core/api/handlers';
import { Desk } from '../electron/core/desk';
import { forwardEngineEvents } from '../electron/main/logic/host';
import { report } from './util';

const RUN_MS = Number(process.env.SHELL_BENCH_MS ?? 10_000);
const IPC_EVERY_MS = 100;
const ctx = { actor: 'bench', role: 'admin' as const };
const RESOLUTION_MS = 5;

const msOf = (ns: number) => `${(ns / 1e6).toFixed(2)} ms`;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/**
 * Event-loop lag while `during` runs (the histogram's figures less its own sampling interval)
 * and event-loop utilisation: the share of wall time the loop was busy running our code. On a
 * shared machine lag also counts time the OS gave the CPU to others; utilisation does not.
 */
async function measure(runMs: number, during: () => () => void) {
  const h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  const elu0 = performance.eventLoopUtilization();
  h.enable();
  const stop = during();
  await new Promise((r) => setTimeout(r, runMs));
  stop();
  h.disable();
  const lag = (ns: number) => Math.max(0, ns - RESOLUTION_MS * 1e6);
  return { p99: lag(h.percentile(99)), max: lag(h.max), elu: performance.eventLoopUtilization(elu0).utilization };
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'risk-desk-shell-bench-'));
  try {
    // 1. The machine's own noise floor (2 shared cores): an idle loop, before any desk exists.
    const idle = await measure(Math.min(RUN_MS, 5000), () => () => undefined);

    // 2. Start-up: Desk.open is synchronous, so its whole duration is one stall (before the window shows).
    let t = process.hrtime.bigint();
    const first = Desk.open({ dbFile: path.join(dir, 'desk.db') });
    report('Desk.open, new database + demo seed (one stall)', msOf(Number(process.hrtime.bigint() - t)), '< 2000 ms, before the window shows');
    await first.close();
    t = process.hrtime.bigint();
    const desk = Desk.open({ dbFile: path.join(dir, 'desk.db') });
    report('Desk.open, existing database (one stall)', msOf(Number(process.hrtime.bigint() - t)), '< 500 ms');

    // 3. The live desk on its own: monitor, alert engine, notifier.
    let events = 0;
    const countEvents = forwardEngineEvents(desk.events, () => events++);
    const engine = await measure(RUN_MS, () => () => undefined);
    const engineEvents = events;

    // 4. The live desk plus the shell: every event forwarded (counted above), the dashboard's API calls.
    const handlers = createHandlers(desk);
    let calls = 0;
    let failures = 0;
    const callNs: number[] = [];
    const shell = await measure(RUN_MS, () => {
      const poll = setInterval(() => {
        for (const name of ['portfolios.list', 'thresholds.list', 'alerts.list', 'audit.list'] as const) {
          // The synchronous part of a call (validation, the handler's SQLite reads) blocks the loop;
          // CPU time, which the OS's scheduling of other processes does not inflate.
          const cpu0 = process.cpuUsage();
          const pending = dispatch(handlers, name, {}, ctx);
          const cpu = process.cpuUsage(cpu0);
          callNs.push((cpu.user + cpu.system) * 1000);
          void pending.then((r) => {
            calls++;
            if (!r.ok) failures++;
          });
        }
      }, IPC_EVERY_MS);
      return () => clearInterval(poll);
    });
    countEvents();
    await desk.close();

    report('idle loop (noise floor): lag p99 / max', `${msOf(idle.p99)} / ${msOf(idle.max)}`);
    report(`live desk alone, ${RUN_MS / 1000} s: engine events`, String(engineEvents));
    report('live desk alone: loop utilisation', pct(engine.elu), '< 25%');
    report('live desk alone: lag p99 / max', `${msOf(engine.p99)} / ${msOf(engine.max)}`);
    report(`with the shell: IPC calls answered`, `${calls}${failures ? ` (${failures} errors)` : ''}`);
    report('with the shell: longest synchronous IPC call (CPU)', msOf(Math.max(0, ...callNs)), '< 16 ms');
    report('with the shell: loop utilisation', pct(shell.elu), '< 25%');
    report('with the shell: lag p99 / max', `${msOf(shell.p99)} / ${msOf(shell.max)}`, 'p99 < 16 ms beyond the noise floor');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
