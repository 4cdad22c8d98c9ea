// Risk engine figures on a synthetic desk: 2,000 symbols x 1,000 days, 1,000 long/short
// portfolios x 100 positions, window 252. Full recompute, incremental update per affected
// portfolio, RSS; then `risk-desk metrics` on the desk as CSV files against a vectorised
// pandas/numpy script (bench/metrics_pandas.py) reading the same files, and how far their figures agree.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { buildSync } from 'esbuild';
import type { RiskBook as RiskBookClass } from '../electron/core/risk/book';
import { mulberry32 } from '../electron/core/demo/generator';
import { syntheticDesk, writeDeskCsv } from './synthetic-desk';
import { percentile, report } from './util';

const SIZE = { symbols: 2000, days: 1000, portfolios: 1000, positionsPerPortfolio: 100 };
const root = path.resolve(__dirname, '..');
const now = () => performance.now();
/** Process CPU time in ms (user + system): on a CPU shared with other work, wall time also counts waiting for a core. */
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 0.5);
const fmt = (v: number, unit: string, digits = 1) => `${v.toFixed(digits)} ${unit}`;

// The engine runs bundled in the app (electron-vite scope-hoists the modules); bench that, not tsx's
// module-by-module loading, whose cross-module accessors cost about a third more on the hot path.
const engine = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'risk-desk-bench-')), 'risk-engine.js');
buildSync({ entryPoints: [path.join(root, 'electron/core/risk/book.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: engine, logLevel: 'error' });
const { RiskBook } = createRequire(__filename)(engine) as { RiskBook: typeof RiskBookClass };
fs.rmSync(path.dirname(engine), { recursive: true, force: true });

const desk = syntheticDesk(SIZE);
console.log(`  desk: ${SIZE.symbols} symbols x ${SIZE.days} days, ${SIZE.portfolios} portfolios x ${SIZE.positionsPerPortfolio} positions, window 252`);

// Building the book from a price table: carry-forward, returns, every portfolio's P&L series.
const builds: number[] = [];
let book = RiskBook.create(desk);
for (let i = 0; i < 5; i++) {
  const t = now();
  book = RiskBook.create(desk);
  for (const id of book.portfolioIds()) book.metrics(id);
  builds.push(now() - t);
}
report('build from table + every metric (median)', fmt(median(builds), 'ms'));

// Full recompute: every portfolio's P&L series from its positions, then every metric.
const fulls: number[] = [];
const fullsCpu: number[] = [];
for (let i = 0; i < 15; i++) {
  const t = now();
  const c = cpu();
  book.refresh();
  for (const id of book.portfolioIds()) book.metrics(id);
  fulls.push(now() - t);
  fullsCpu.push(cpu() - c);
}
report('full recompute, 1,000 portfolios (median)', fmt(median(fulls), 'ms'), '<= 50 ms');
report('full recompute: best wall; CPU median, best', `${fmt(Math.min(...fulls), 'ms')}; ${fmt(median(fullsCpu), 'ms')}, ${fmt(Math.min(...fullsCpu), 'ms')}`);

// Incremental: live ticks on the latest day; each updates its holders, whose figures are then read.
// In batches, so that a busy neighbour on the shared CPU shows as a slow batch, not a skewed mean.
const rand = mulberry32(7);
const symbols = book.symbols();
const date = book.latestDate();
const batches: number[] = [];
let affected = 0;
const incCpu = cpu();
for (let b = 0; b < 20; b++) {
  let time = 0;
  let holders = 0;
  for (let i = 0; i < 250; i++) {
    const s = symbols[Math.floor(rand() * symbols.length)];
    const price = book.lastPrice(s)! * (1 + (rand() - 0.5) * 0.01);
    const t = now();
    const changed = book.applyTick(s, price, date);
    for (const id of changed) book.metrics(id);
    time += now() - t;
    holders += changed.length;
  }
  affected += holders;
  batches.push((time * 1000) / holders);
}
report('incremental tick: holders per tick (mean)', (affected / 5000).toFixed(1));
report('incremental, per affected portfolio (median batch)', fmt(median(batches), 'us', 2), '<= 20 us');
report('incremental, per affected portfolio (best batch)', fmt(Math.min(...batches), 'us', 2));
report('incremental, per affected portfolio (CPU time)', fmt(((cpu() - incCpu) * 1000) / affected, 'us', 2));

const t0 = now();
const rolled = book.applyTick(symbols[0], book.lastPrice(symbols[0])! * 1.001, '2026-11-26');
for (const id of rolled) book.metrics(id);
report('day roll (every portfolio re-read)', fmt(now() - t0, 'ms'));
// RSS with the desk and one book live (earlier books collected), and the peak of the whole run.
v8.setFlagsFromString('--expose-gc');
(vm.runInNewContext('gc') as () => void)();
report('RSS, desk + one book / peak of the run', `${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} / ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`, '<= 300 MB');

// ---- whole process: risk-desk metrics vs pandas on the same CSV files ----
const dataDir = path.join(__dirname, '.data');
const marker = path.join(dataDir, 'desk.json');
if (!fs.existsSync(marker) || fs.readFileSync(marker, 'utf8') !== JSON.stringify(SIZE)) {
  writeDeskCsv(desk, dataDir);
  fs.writeFileSync(marker, JSON.stringify(SIZE));
}
const files = ['--prices', path.join(dataDir, 'prices.csv'), '--positions', path.join(dataDir, 'positions.csv'), '--portfolios', path.join(dataDir, 'portfolios.csv')];
const cli = path.join(root, 'bin', 'risk-desk.js');
const python = ['python3', '/usr/bin/python3'].find((p) => spawnSync(p, ['-c', 'import pandas'], { stdio: 'ignore' }).status === 0);
const timeBin = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

/** Wall time of a whole process (and its CPU time when /usr/bin/time is there), with its stdout. */
function timed(cmd: string, args: string[]): { wall: number; cpu: number | null; stdout: string } {
  const t = now();
  const r = timeBin ? spawnSync(timeBin, ['-f', '%U %S', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 }) : spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  const wall = now() - t;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  const cpu = timeBin ? r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number).reduce((a, b) => a + b, 0) * 1000 : null;
  return { wall, cpu, stdout: r.stdout };
}

if (!fs.existsSync(path.join(root, 'out', 'main', 'cli.js'))) {
  console.log('  (skipping the CLI comparison: run `npm run build` first)');
} else if (!python) {
  console.log('  (skipping the CLI comparison: no python3 with pandas; apt-get install -y python3-pandas)');
} else {
  const node: ReturnType<typeof timed>[] = [];
  const pandas: ReturnType<typeof timed>[] = [];
  // Alternate the two so that a busy neighbour slows both alike.
  for (let i = 0; i < 3; i++) {
    node.push(timed(process.execPath, [cli, 'metrics', ...files]));
    pandas.push(timed(python, [path.join(__dirname, 'metrics_pandas.py'), ...files]));
  }
  const nodeWall = median(node.map((r) => r.wall));
  const pandasWall = median(pandas.map((r) => r.wall));
  report('risk-desk metrics, whole process (median)', fmt(nodeWall, 'ms', 0));
  report('pandas/numpy script, whole process (median)', fmt(pandasWall, 'ms', 0));
  report('speed-up (wall)', `${(pandasWall / nodeWall).toFixed(2)}x`, '>= 2x');
  if (timeBin) {
    const nodeCpu = median(node.map((r) => r.cpu!));
    const pandasCpu = median(pandas.map((r) => r.cpu!));
    report('CPU time (user+sys): risk-desk / pandas', `${nodeCpu.toFixed(0)} / ${pandasCpu.toFixed(0)} ms`);
    report('speed-up (CPU)', `${(pandasCpu / nodeCpu).toFixed(2)}x`);
  }
  // The two implementations must agree: same portfolios, same figures.
  type Row = Record<string, unknown> & { portfolio_id: string };
  const ours: Row[] = JSON.parse(node[0].stdout);
  const theirs = new Map((JSON.parse(pandas[0].stdout) as Row[]).map((r) => [r.portfolio_id, r]));
  let worst = 0;
  let compared = 0;
  let mismatched = 0;
  const flat = (r: Row) => ({ ...r, ...Object.fromEntries(Object.entries(r.concentration_risk as object).map(([k, v]) => [`concentration_risk.${k}`, v])) });
  for (const a of ours.map(flat)) {
    const b = flat(theirs.get(a.portfolio_id)!);
    for (const [k, v] of Object.entries(a)) {
      if (typeof v !== 'number' || k === 'observations') continue;
      const w = b[k];
      if (typeof w !== 'number') {
        mismatched++;
        continue;
      }
      compared++;
      worst = Math.max(worst, Math.abs(v - w) / Math.max(Math.abs(v), Math.abs(w), 1e-300));
    }
  }
  report('figures compared with pandas', `${compared.toLocaleString('en-US')}${mismatched ? ` (${mismatched} null on one side)` : ''}`);
  report('largest relative difference', worst.toExponential(1));
}
