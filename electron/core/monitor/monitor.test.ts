// The monitor on a real SQLite file and the real RiskBook. Engine time is a ManualClock with
// ManualTimers (no sleeps); the feed is a PushFeed (our Feed port) that runs the real decoding.
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { FeedStatus } from '../../../shared/events';
import { RiskSnapshotSchema } from '../../../shared/metrics-schema';
import { type RiskSnapshot, SCALAR_METRICS } from '../../../shared/metrics';
import { EventBus } from '../events';
import { ManualClock, ManualTimers } from '../ports';
import { RiskBook } from '../risk/book';
import { Store } from '../store/store';
import { captureLogger, tempDir, writeFile } from '../testing';
import type { Feed, FeedKind } from './feed';
import { priceTableFromRows } from './load';
import { Monitor, type MonitorSettings } from './monitor';
import { ReplayFeed } from './replay-feed';
import { SimulatedFeed } from './simulated-feed';
import { PushFeed, TEST_LAST_DATE, TEST_PORTFOLIOS, TEST_POSITIONS, TEST_SYMBOLS, testPrices } from './testbook';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const running: { monitor: Monitor; store: Store }[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) {
    await r.monitor.stop();
    r.store.close();
  }
});

const START = Date.parse('2026-01-05T15:00:00.000Z');
const TODAY = '2026-01-05';
let dbCount = 0;

function seed(store: Store): void {
  store.transaction(() => {
    for (const s of TEST_SYMBOLS) store.book.upsertInstrument({ symbol: s });
    for (const r of testPrices()) store.book.upsertPrice(r);
    for (const p of TEST_PORTFOLIOS) store.book.upsertPortfolio(p);
    for (const p of TEST_POSITIONS) store.book.setPosition(p);
  });
}

function setup(opts: { settings?: MonitorSettings; kind?: FeedKind; feed?: (clock: ManualClock, timers: ManualTimers) => Feed; msPerRecompute?: number } = {}) {
  const clock = new ManualClock(START);
  const timers = new ManualTimers(clock);
  const file = path.join(tmp.dir, `monitor-${++dbCount}.db`);
  const store = Store.open(file, clock);
  seed(store);
  const logger = captureLogger();
  const events = new EventBus(logger);
  const metrics: RiskSnapshot[] = [];
  const cycles: { at: string; portfolios: number }[] = [];
  const feedEvents: FeedStatus[] = [];
  events.on('metrics', (e) => metrics.push(e.snapshot));
  events.on('cycle', (e) => cycles.push(e));
  events.on('feed', (e) => feedEvents.push(e));
  const feed = opts.feed ? opts.feed(clock, timers) : new PushFeed({ clock, logger }, opts.kind ?? 'websocket');
  // The recompute stopwatch is a port too: each recompute "takes" msPerRecompute (0 by default), so the budget is deterministic.
  let elapsed = 0;
  events.on('metrics', () => (elapsed += opts.msPerRecompute ?? 0));
  /** Moves the recompute stopwatch on (time the recomputes did not use: the process lost the CPU). */
  const spend = (ms: number) => (elapsed += ms);
  const monitor = new Monitor({ store, events, clock, logger, feed, timers, stopwatch: () => elapsed }, opts.settings);
  monitor.start();
  running.push({ monitor, store });
  const of = (id: string) => metrics.filter((m) => m.portfolio_id === id);
  const tick = (symbol: string, price: number, at = clock.now()) => (feed as PushFeed).push({ type: 'tick', symbol, price, ts: new Date(at).toISOString() });
  return { clock, timers, store, file, events, metrics, cycles, feedEvents, feed, monitor, logger, of, tick, spend };
}

/** The figures a fresh RiskBook gives for the stored history plus today's closes: what the live book must agree with. */
function freshFigures(store: Store, today: Record<string, number>, date = TODAY) {
  const rows = [...store.book.listPrices().filter((r) => r.date < date), ...Object.entries(today).map(([symbol, close]) => ({ symbol, date, close }))];
  rows.sort((a, b) => (a.date === b.date ? (a.symbol < b.symbol ? -1 : 1) : a.date < b.date ? -1 : 1));
  return RiskBook.create({ table: priceTableFromRows(rows), portfolios: store.book.listPortfolios(), positions: store.book.listPositions() });
}

function expectSameFigures(live: RiskSnapshot, fresh: ReturnType<RiskBook['metrics']>): void {
  for (const m of SCALAR_METRICS) {
    const a = live[m];
    const b = fresh.metrics[m];
    if (b === null) expect(a, m).toBeNull();
    else expect(Math.abs(a! - b), `${m}: ${a} vs ${b}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b)));
  }
  expect(live.as_of).toBe(fresh.as_of);
  expect(live.observations).toBe(fresh.observations);
}

const lastClose = (symbol: string) => testPrices().filter((r) => r.symbol === symbol && r.date === TEST_LAST_DATE)[0].close;

describe('Monitor: start and cycles', () => {
  it('computes, emits and persists one valid snapshot per portfolio at start', () => {
    const { metrics, cycles, store, monitor } = setup();
    expect(metrics.map((m) => m.portfolio_id).sort()).toEqual(['p1', 'p2', 'p3']);
    for (const m of metrics) {
      expect(() => RiskSnapshotSchema.parse(m)).not.toThrow();
      expect(m).toMatchObject({ as_of: TEST_LAST_DATE, stale: false, timestamp: new Date(START).toISOString() });
    }
    expect(cycles).toEqual([{ at: new Date(START).toISOString(), durationMs: expect.any(Number), portfolios: 3 }]);
    expect(monitor.lastCycleAt()).toBe(new Date(START).toISOString());
    expect(store.snapshots.countByResolution()).toEqual({ raw: 3, '5m': 0, '1d': 0 });
    expect(store.snapshots.latest('p1')).toEqual(monitor.latest('p1'));
    // p1: 1000 AAA + 500 BBB at the last closes.
    expect(monitor.latest('p1')!.gross_exposure).toBeCloseTo(1000 * lastClose('AAA') + 500 * lastClose('BBB'), 6);
  });

  it('persists a snapshot per portfolio every cycle and answers history by metric and time range', () => {
    const { timers, tick, store, monitor, cycles } = setup({ settings: { cycleSeconds: 30 } });
    const prices = [101, 102.5, 99.75];
    for (const p of prices) {
      timers.advance(10_000);
      tick('AAA', p);
      timers.advance(20_000);
    }
    expect(cycles).toHaveLength(4);
    expect(store.snapshots.countByResolution('p1').raw).toBe(4);
    const h = monitor.history('p1', 'gross_exposure', START, START + 90_001);
    expect(h.map((x) => x.ts)).toEqual([START, START + 30_000, START + 60_000, START + 90_000]);
    expect(h.slice(1).map((x) => x.value)).toEqual(prices.map((p) => expect.closeTo(1000 * p + 500 * lastClose('BBB'), 6)));
    expect(h.every((x) => x.resolution === 'raw' && x.stale === false)).toBe(true);
    const hhi = monitor.history('p1', 'concentration_risk.hhi', START + 30_000, START + 60_000);
    expect(hhi).toHaveLength(1);
    expect(hhi[0].value).toBeCloseTo(monitor.history('p1', 'concentration_risk.hhi', START + 30_000, START + 30_001)[0].value!, 12);
    expect(() => monitor.history('p1', 'var_96', 0, 1)).toThrow(/unknown metric "var_96"/);
    expect(monitor.history('nobody', 'var_95', 0, Date.now())).toEqual([]);
  });

  it('refuses a cycle interval outside 10-300 s', () => {
    expect(() => setup({ settings: { cycleSeconds: 5 } })).toThrow(/--cycle-seconds.*from 10 to 300/);
  });
});

describe('Monitor: ticks', () => {
  it('a tick on a new date rolls the day; only the holders of a symbol are recomputed after that, and figures match a fresh book', () => {
    const { timers, tick, of, monitor, store } = setup();
    const before = { p1: of('p1').length, p2: of('p2').length, p3: of('p3').length };
    tick('AAA', 120);
    // The start cycle's recompute does not start a window: the tick is shown at once.
    timers.advance(0);
    // The roll touches every portfolio (a new day in every window).
    expect([of('p1').length, of('p2').length, of('p3').length]).toEqual([before.p1 + 1, before.p2 + 1, before.p3 + 1]);
    expect(monitor.latest('p3')!.as_of).toBe(TODAY);

    timers.advance(1_000);
    tick('BBB', lastClose('BBB') * 1.05);
    timers.runDue();
    expect([of('p1').length, of('p2').length, of('p3').length]).toEqual([before.p1 + 2, before.p2 + 2, before.p3 + 1]);
    const fresh = freshFigures(store, { AAA: 120, BBB: lastClose('BBB') * 1.05 });
    for (const id of ['p1', 'p2', 'p3']) expectSameFigures(monitor.latest(id)!, fresh.metrics(id));
  });

  it('coalesces: 100 ticks on one symbol within 50 ms cost each holder one recompute at once and one when the window ends', () => {
    const { timers, tick, of, monitor, clock } = setup({ settings: { coalesceMs: 50 } });
    tick('BBB', 100);
    timers.advance(1_000); // the day has rolled and everyone is quiet again
    const counts = () => ({ p1: of('p1').length, p2: of('p2').length, p3: of('p3').length });
    const before = counts();
    const burstStart = clock.now();
    for (let i = 1; i <= 100; i++) {
      tick('BBB', 100 + i / 100);
      timers.advance(0.49);
    }
    expect(clock.now() - burstStart).toBeLessThan(50);
    timers.advance(100);
    const after = counts();
    expect(after.p1 - before.p1).toBe(2);
    expect(after.p2 - before.p2).toBe(2);
    expect(after.p3 - before.p3).toBe(0);
    const times = of('p1').slice(-2).map((m) => Date.parse(m.timestamp));
    expect(times[0]).toBe(burstStart);
    expect(times[1] - times[0]).toBe(50);
    expect(monitor.latest('p1')!.gross_exposure).toBeCloseTo(1000 * lastClose('AAA') + 500 * 101, 6);
  });

  it('a tick just after a refresh cycle is shown at once: the cycle\'s recompute does not hold it back a window', () => {
    const { timers, tick, of, monitor, clock } = setup({ settings: { coalesceMs: 50 } });
    tick('BBB', 100);
    timers.advance(1_000);
    monitor.refresh();
    const cycleAt = clock.now();
    expect(Date.parse(of('p1').at(-1)!.timestamp)).toBe(cycleAt);
    timers.advance(5);
    tick('BBB', 101);
    timers.advance(0);
    expect(Date.parse(of('p1').at(-1)!.timestamp)).toBe(cycleAt + 5);
    expect(monitor.latest('p1')!.gross_exposure).toBeCloseTo(1000 * lastClose('AAA') + 500 * 101, 6);
  });

  it('coalesces: a batch of 100 ticks on one symbol in one message is one recompute per holder', () => {
    const { timers, tick, of, feed, clock } = setup();
    tick('BBB', 100);
    timers.advance(1_000);
    const before = [of('p1').length, of('p2').length, of('p3').length];
    const ts = new Date(clock.now()).toISOString();
    (feed as PushFeed).push({ type: 'ticks', ticks: Array.from({ length: 100 }, (_, i) => ({ symbol: 'BBB', price: 100 + i, ts })) });
    timers.advance(200);
    expect([of('p1').length - before[0], of('p2').length - before[1], of('p3').length - before[2]]).toEqual([1, 1, 0]);
    expect(of('p2').at(-1)!.gross_exposure).toBeCloseTo(2000 * 199 + 300 * lastClose('CCC'), 6);
  });

  it('keeps recomputes within their budget: a flush of two 4 ms recomputes holds the next one back 32 ms at a 25% share', () => {
    const { timers, tick, of, clock } = setup({ msPerRecompute: 4, settings: { recomputeShare: 0.25 } });
    tick('BBB', 100); // rolls the day: all three recompute at START + 50
    timers.advance(1_000);
    const t = clock.now();
    tick('BBB', 101); // p1 and p2, both due at once: 8 ms of CPU
    timers.runDue();
    expect(Date.parse(of('p2').at(-1)!.timestamp)).toBe(t);
    timers.advance(5);
    tick('CCC', 99); // p3 is due (quiet for a second) but the budget holds it until t + 32; p2 waits for its window
    timers.advance(100);
    expect(Date.parse(of('p3').at(-1)!.timestamp)).toBe(t + 32);
    expect(Date.parse(of('p2').at(-1)!.timestamp)).toBe(t + 50);
  });

  it('a run of preempted flushes does not hold the loop back once the machine recovers', () => {
    // Realistic recomputes (10 us), a budget of half the time. Then, for a while, every flush reads
    // 500 ms on the stopwatch per recompute (the process lost the CPU mid-flush, a VM paused).
    let preempted = false;
    const { timers, tick, of, clock, events, spend } = setup({ msPerRecompute: 0.01, settings: { recomputeShare: 0.5, coalesceMs: 50 } });
    let lost = 0;
    events.on('metrics', () => {
      if (!preempted) return;
      spend(500);
      lost += 500;
    });
    tick('BBB', 100); // rolls the day
    timers.advance(1_000);
    preempted = true;
    for (let i = 0; i < 30; i++) {
      tick('CCC', 100 + (i % 5));
      timers.advance(2_000);
    }
    preempted = false;
    // Recovered, ticking 20 times a second: each tick is in p3's figures within one window. (The
    // budget used to price these flushes at the average that the slow ones inflated, ~500 ms per
    // recompute: each flush then held the next back for seconds, and the waits kept the average
    // from coming down.)
    const sent: number[] = [];
    for (let i = 0; i < 40; i++) {
      sent.push(clock.now());
      tick('CCC', 110 + (i % 7));
      timers.advance(50);
    }
    timers.advance(1_000);
    const times = of('p3').map((m) => Date.parse(m.timestamp));
    const waits = sent.map((at) => times.find((x) => x >= at)! - at);
    expect(Math.max(...waits)).toBeLessThanOrEqual(50);
    expect(lost).toBeGreaterThan(0);
  });

  it('a busy portfolio waits one window from the tick that finds it clean, so the next ticks share the recompute; a quiet one is recomputed at once; no tick waits longer than a window', () => {
    const { timers, tick, of, clock } = setup({ settings: { coalesceMs: 50 } });
    tick('BBB', 100);
    timers.advance(1_000);
    /** Ticks CCC (held by p2 and p3; p3 holds nothing else) every `every` ms; returns p3's recompute times and the ticks' times. */
    const ticking = (count: number, every: number) => {
      const before = of('p3').length;
      const sent: number[] = [];
      for (let i = 0; i < count; i++) {
        sent.push(clock.now());
        tick('CCC', 100 + (sent.length % 7));
        timers.advance(every);
      }
      timers.advance(100);
      return { sent, times: of('p3').slice(before).map((m) => Date.parse(m.timestamp)) };
    };
    // Quiet (a tick every 400 ms, eight windows apart): every tick is recomputed at once.
    const quiet = ticking(5, 400);
    expect(quiet.times).toEqual(quiet.sent);
    // Busy (every 20 ms): once the smoothed gap falls under three windows, a tick that finds p3
    // clean starts a window of 50 ms that the next two ticks join: one recompute per three ticks.
    const busy = ticking(40, 20);
    const late = busy.times.slice(-6);
    for (let i = 1; i < late.length; i++) expect(late[i] - late[i - 1]).toBe(60);
    expect(busy.times.length).toBeLessThan(20);
    // Every tick is in the first snapshot at or after it, at most one window later.
    for (const at of [...quiet.sent, ...busy.sent]) {
      const shown = [...quiet.times, ...busy.times].find((x) => x >= at)!;
      expect(shown - at).toBeLessThanOrEqual(50);
    }
  });

  it('counts ticks the book refuses: unknown symbols and ticks dated before the latest day', () => {
    const { tick, monitor, clock } = setup();
    tick('ZZZ', 10);
    tick('AAA', 10, Date.parse('2025-12-31T15:00:00Z'));
    tick('AAA', 10, clock.now());
    expect(monitor.feedStatus()).toMatchObject({ ticks_total: 1, dropped: { unknown_symbol: 1, out_of_order: 1 } });
  });

  it('writes live closes into the prices table for a market feed, never for the simulated one', () => {
    const live = setup({ kind: 'websocket' });
    live.tick('AAA', 123.45);
    live.timers.advance(30_000);
    expect(live.store.book.listPrices().filter((r) => r.date === TODAY)).toEqual([{ symbol: 'AAA', date: TODAY, close: 123.45 }]);

    const sim = setup({ kind: 'simulated' });
    sim.tick('AAA', 123.45);
    sim.timers.advance(30_000);
    expect(sim.store.book.listPrices().filter((r) => r.date === TODAY)).toEqual([]);
  });
});

describe('Monitor: stale data', () => {
  it('marks holders of a silent symbol stale, and clears it when the symbol ticks again', () => {
    const { timers, tick, of, monitor } = setup({ settings: { staleSeconds: 10 } });
    for (let s = 0; s < 12; s += 2) {
      tick('AAA', 100 + s);
      tick('BBB', 200 + s);
      timers.advance(2_000);
    }
    expect(monitor.latest('p1')!.stale).toBe(false);
    expect(monitor.latest('p2')!.stale).toBe(true);
    expect(monitor.latest('p3')!.stale).toBe(true);
    expect(of('p3').at(-1)).toMatchObject({ stale: true });
    expect(monitor.feedStatus().state).toBe('live');
    // Stale is a flag on the same figures, not a new computation.
    const [was, now] = of('p3').slice(-2);
    expect({ ...now, stale: false, timestamp: '' }).toEqual({ ...was, stale: false, timestamp: '' });

    tick('CCC', 77);
    timers.advance(100);
    expect(monitor.latest('p3')!.stale).toBe(false);
    expect(monitor.latest('p2')!.stale).toBe(false);
  });

  it('clears the flag when a silent symbol speaks again at an unchanged price (no recompute follows)', () => {
    const { timers, tick, monitor, store, metrics } = setup({ settings: { staleSeconds: 10 } });
    const cccClose = store.book.listPrices().filter((r) => r.symbol === 'CCC').at(-1)!.close;
    for (let s = 0; s < 12; s += 2) {
      tick('AAA', 100 + s);
      tick('BBB', 200 + s);
      timers.advance(2_000);
    }
    expect(monitor.latest('p3')!.stale).toBe(true);
    const before = metrics.length;
    const recomputes = monitor.recomputeCount();
    tick('CCC', cccClose);
    timers.advance(1_000);
    expect(monitor.recomputeCount()).toBe(recomputes);
    expect(monitor.latest('p3')!.stale).toBe(false);
    expect(metrics.slice(before).filter((m) => m.portfolio_id === 'p3').map((m) => m.stale)).toEqual([false]);
  });

  it('marks everything stale when the feed goes silent, and reports the feed stale until it speaks', () => {
    const { timers, tick, monitor, feedEvents } = setup({ settings: { staleSeconds: 10 } });
    tick('AAA', 101);
    timers.advance(10_500);
    expect(monitor.latest('p1')!.stale).toBe(false);
    timers.advance(1_000);
    expect(['p1', 'p2', 'p3'].map((id) => monitor.latest(id)!.stale)).toEqual([true, true, true]);
    expect(monitor.feedStatus().state).toBe('stale');
    expect(feedEvents.at(-1)!.state).toBe('stale');
    tick('AAA', 102);
    tick('BBB', 50);
    tick('CCC', 60);
    timers.advance(100);
    expect(monitor.feedStatus().state).toBe('live');
    expect(feedEvents.at(-1)!.state).toBe('live');
    expect(['p1', 'p2', 'p3'].map((id) => monitor.latest(id)!.stale)).toEqual([false, false, false]);
  });
});

describe('Monitor: positions', () => {
  it('setPosition persists and takes effect at once; a bad one changes nothing', () => {
    const { timers, monitor, store } = setup();
    monitor.setPosition({ portfolio_id: 'p3', symbol: 'AAA', quantity: 100 });
    timers.advance(100);
    expect(store.book.listPositions('p3')).toEqual([
      { portfolio_id: 'p3', symbol: 'AAA', quantity: 100 },
      { portfolio_id: 'p3', symbol: 'CCC', quantity: 800 },
    ]);
    expect(monitor.latest('p3')!.gross_exposure).toBeCloseTo(100 * lastClose('AAA') + 800 * lastClose('CCC'), 6);
    expect(() => monitor.setPosition({ portfolio_id: 'nobody', symbol: 'AAA', quantity: 1 })).toThrow(/unknown portfolio "nobody"/);
    expect(() => monitor.setPosition({ portfolio_id: 'p1', symbol: 'ZZZ', quantity: 1 })).toThrow(/unknown symbol "ZZZ"/);
    expect(() => monitor.setPosition({ portfolio_id: 'p1', symbol: 'AAA', quantity: Infinity })).toThrow(/quantity/);
    monitor.setPosition({ portfolio_id: 'p3', symbol: 'AAA', quantity: 0 });
    timers.advance(100);
    expect(store.book.listPositions('p3')).toEqual([{ portfolio_id: 'p3', symbol: 'CCC', quantity: 800 }]);
    expect(monitor.latest('p3')!.gross_exposure).toBeCloseTo(800 * lastClose('CCC'), 6);
  });

  it('a position a metrics listener sets during a flush is recomputed in turn, and the symbol\'s ticks reach its new holder', () => {
    const { timers, monitor, events, tick } = setup();
    tick('AAA', 100); // today's first tick rolls the day: every portfolio recomputes
    timers.advance(1_000);
    let armed = true;
    events.on('metrics', ({ snapshot }) => {
      if (!armed || snapshot.portfolio_id !== 'p1') return;
      armed = false;
      monitor.setPosition({ portfolio_id: 'p3', symbol: 'AAA', quantity: 100 });
    });
    tick('AAA', 101); // only p1 recomputes; its snapshot sets p3's position mid-flush
    timers.advance(100);
    expect(armed).toBe(false);
    expect(monitor.latest('p3')!.gross_exposure).toBeCloseTo(100 * 101 + 800 * lastClose('CCC'), 6);
    tick('AAA', 50);
    timers.advance(100);
    expect(monitor.latest('p3')!.gross_exposure).toBeCloseTo(100 * 50 + 800 * lastClose('CCC'), 6);
  });

  it('upsertPortfolio adds a portfolio to the database and the live book', () => {
    const { timers, monitor, store } = setup();
    monitor.upsertPortfolio({ id: 'p9', name: 'Nine', nav: 250_000, currency: 'EUR' });
    monitor.setPosition({ portfolio_id: 'p9', symbol: 'BBB', quantity: 100 });
    timers.advance(100);
    expect(store.book.getPortfolio('p9')).toEqual({ id: 'p9', name: 'Nine', nav: 250_000, currency: 'EUR' });
    expect(monitor.latest('p9')).toMatchObject({ portfolio_id: 'p9', gross_exposure: expect.closeTo(100 * lastClose('BBB'), 6) });
    expect(monitor.latest('p9')!.leverage_ratio).toBeCloseTo((100 * lastClose('BBB')) / 250_000, 12);
    expect(() => monitor.upsertPortfolio({ id: 'p10', name: 'Ten', nav: 1, currency: 'EURO' })).toThrow(/field "currency"/);
    expect(store.book.getPortfolio('p10')).toBeUndefined();
  });

  it('feed position messages go through the same path; refused ones are counted by reason', () => {
    const { timers, monitor, store, feed } = setup();
    const push = (m: object) => (feed as PushFeed).push(m);
    push({ type: 'position', portfolio_id: 'p1', symbol: 'CCC', quantity: -50 });
    push({ type: 'position', portfolio_id: 'ghost', symbol: 'CCC', quantity: 5 });
    push({ type: 'position', portfolio_id: 'p1', symbol: 'ZZZ', quantity: 5 });
    timers.advance(100);
    expect(store.book.listPositions('p1').find((p) => p.symbol === 'CCC')).toEqual({ portfolio_id: 'p1', symbol: 'CCC', quantity: -50 });
    expect(monitor.latest('p1')!.gross_exposure).toBeCloseTo(1000 * lastClose('AAA') + 500 * lastClose('BBB') + 50 * lastClose('CCC'), 6);
    expect(monitor.feedStatus().dropped).toEqual({ unknown_portfolio: 1, unknown_symbol: 1 });
  });

  it('picks up positions another process imported, without a restart', () => {
    const { timers, monitor, file, clock } = setup();
    const other = Store.open(file, clock);
    other.book.setPosition({ portfolio_id: 'p2', symbol: 'AAA', quantity: 10 });
    other.book.upsertPortfolio({ id: 'p4', name: 'Four', nav: 1e5, currency: 'USD' });
    other.book.setPosition({ portfolio_id: 'p4', symbol: 'BBB', quantity: 5 });
    other.close();
    timers.advance(1_000);
    timers.advance(100);
    expect(monitor.portfolioIds().sort()).toEqual(['p1', 'p2', 'p3', 'p4']);
    expect(monitor.latest('p2')!.gross_exposure).toBeCloseTo(2000 * lastClose('BBB') + 300 * lastClose('CCC') + 10 * lastClose('AAA'), 6);
    expect(monitor.latest('p4')!.gross_exposure).toBeCloseTo(5 * lastClose('BBB'), 6);
  });
});

describe('Monitor: simulated feed and shocks', () => {
  it('shock moves a portfolio\'s holdings at once through the simulated feed', () => {
    const { timers, monitor } = setup({ feed: (clock, timers) => new SimulatedFeed({ clock, timers, logger: captureLogger(), ticksPerSecond: 0 }) });
    const res = monitor.shock({ portfolio_id: 'p3', move: -0.1 });
    timers.advance(100);
    expect(res).toEqual({ symbols: ['CCC'], move: -0.1 });
    expect(monitor.latest('p3')!.gross_exposure).toBeCloseTo(800 * lastClose('CCC') * 0.9, 4);
    expect(monitor.latest('p1')!.gross_exposure).toBeCloseTo(1000 * lastClose('AAA') + 500 * lastClose('BBB'), 6);
    expect(() => monitor.shock({ move: -1 })).toThrow(/move.*above -1/);
    expect(() => monitor.shock({ symbols: ['NOPE'], move: 0.1 })).toThrow(/unknown symbol "NOPE"/);
    expect(() => monitor.shock({ portfolio_id: 'ghost', move: 0.1 })).toThrow(/unknown portfolio "ghost"/);
  });

  it('the simulated feed keeps every portfolio current and never stale', () => {
    const { timers, monitor, of } = setup({ feed: (clock, timers) => new SimulatedFeed({ clock, timers, logger: captureLogger(), ticksPerSecond: 10 }), settings: { staleSeconds: 5 } });
    timers.advance(60_000);
    for (const id of ['p1', 'p2', 'p3']) {
      expect(monitor.latest(id)!.stale).toBe(false);
      expect(of(id).length).toBeGreaterThan(20);
    }
    expect(monitor.feedStatus()).toMatchObject({ kind: 'simulated', state: 'live', ticks_total: 600, dropped: {} });
  });

  it('shock on any other feed is a clear error', () => {
    const { monitor } = setup();
    expect(() => monitor.shock({ move: -0.08 })).toThrow(/shocks need the simulated feed; this desk runs the websocket feed/);
  });
});

describe('Monitor: replay', () => {
  it('replays a week of closes in seconds, rolling each day into history', () => {
    const days = ['2026-01-05', '2026-01-06', '2026-01-07', '2026-01-08', '2026-01-09'];
    const csv = ['date,AAA,BBB,CCC', ...days.map((d, i) => `${d},${60 + i},${110 - i},${150 + 2 * i}`)].join('\n');
    const file = writeFile(tmp.dir, 'week.csv', csv);
    const { timers, monitor, of, store } = setup({ feed: (clock, timers) => new ReplayFeed(file, { clock, timers, logger: captureLogger(), speed: 86_400 }) });
    const t0 = monitor.latest('p1')!.observations;
    timers.advance(100);
    expect(monitor.latest('p1')!.as_of).toBe('2026-01-05');
    timers.advance(4_000); // four calendar days at 86400x
    expect(monitor.feedStatus().state).toBe('stopped');
    expect(of('p1').at(-1)!.as_of).toBe('2026-01-09');
    expect(monitor.latest('p1')!.observations).toBe(t0 + 5);
    const rows = [...store.book.listPrices(), ...days.flatMap((date, i) => [
      { symbol: 'AAA', date, close: 60 + i },
      { symbol: 'BBB', date, close: 110 - i },
      { symbol: 'CCC', date, close: 150 + 2 * i },
    ])];
    const fresh = RiskBook.create({ table: priceTableFromRows(rows), portfolios: store.book.listPortfolios(), positions: store.book.listPositions() });
    for (const id of ['p1', 'p2', 'p3']) expectSameFigures(monitor.latest(id)!, fresh.metrics(id));
    // Replayed closes are not written to the database (replay is a rehearsal).
    expect(store.book.listPrices().some((r) => r.date >= '2026-01-05')).toBe(false);
    expect(monitor.latest('p1')!.gross_exposure).toBeCloseTo(1000 * 64 + 500 * 106, 6);
  });
});
