// The feeds against real infrastructure: a real `ws` server, a real redis-server, a real CSV file.
// The sink is a recording fake of our own FeedSink port; engine time runs on ManualTimers where
// the feed is timer-driven (simulated, replay).
import { Redis } from 'ioredis';
import fc from 'fast-check';
import { type AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Position } from '../../../shared/domain';
import type { DropReason } from '../../../shared/feed';
import type { FeedStatus } from '../../../shared/events';
import { ManualClock, ManualTimers, systemClock } from '../ports';
import { captureLogger, freePort, startRedisServer, tempDir, waitFor, writeFile, type RedisServer } from '../testing';
import { backoffDelay, type Feed, type FeedSink, redactUrl, type Tick } from './feed';
import { createFeed } from './feeds';
import { RedisFeed } from './redis-feed';
import { ReplayFeed } from './replay-feed';
import { SimulatedFeed } from './simulated-feed';
import { WebSocketFeed } from './ws-feed';

interface RecordingSink extends FeedSink {
  ticks: Tick[];
  positions: Position[];
  states: FeedStatus['state'][];
}

/** A book of known symbols and portfolios; refuses what a monitor would refuse. */
function recordingSink(prices: Record<string, number> = { AAPL: 190, MSFT: 410, SPY: 500 }, latest = '2026-01-02', portfolios = ['p1']): RecordingSink {
  const sink: RecordingSink = {
    ticks: [],
    positions: [],
    states: [],
    tick(t): DropReason | undefined {
      if (!(t.symbol in prices)) return 'unknown_symbol';
      if (t.date < latest) return 'out_of_order';
      sink.ticks.push(t);
      return undefined;
    },
    position(p): DropReason | undefined {
      if (!portfolios.includes(p.portfolio_id)) return 'unknown_portfolio';
      if (!(p.symbol in prices)) return 'unknown_symbol';
      sink.positions.push(p);
      return undefined;
    },
    status: (s) => void sink.states.push(s.state),
    symbols: () => Object.keys(prices),
    lastPrice: (s) => prices[s],
    latestDate: () => latest,
  };
  return sink;
}

const tick = (symbol: string, price: unknown, ts = '2026-01-02T15:00:00.000Z') => JSON.stringify({ type: 'tick', symbol, price, ts });
const fastBackoff = { baseMs: 20, maxMs: 200 };

const feeds: Feed[] = [];
const servers: WebSocketServer[] = [];
const redisServers: RedisServer[] = [];
const tmp = tempDir();
afterEach(async () => {
  await Promise.all(feeds.splice(0).map((f) => f.stop()));
  await Promise.all(servers.splice(0).map((s) => closeServer(s)));
  await Promise.all(redisServers.splice(0).map((r) => r.kill()));
});
afterAll(() => tmp.cleanup());

async function wsServer(port = 0): Promise<WebSocketServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', () => resolve());
    wss.once('error', reject);
  });
  servers.push(wss);
  return wss;
}

async function closeServer(wss: WebSocketServer): Promise<void> {
  for (const c of wss.clients) c.terminate();
  await new Promise<void>((resolve) => wss.close(() => resolve()));
}

async function connected(wss: WebSocketServer): Promise<WebSocket> {
  return waitFor(() => [...wss.clients][0], 'the feed to connect');
}

describe('WebSocket feed', () => {
  it('counts every kind of bad message by reason, logs it with the reason, and keeps delivering good ticks', async () => {
    const wss = await wsServer();
    const logger = captureLogger();
    const sink = recordingSink();
    const feed = new WebSocketFeed(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}/feed`, { clock: systemClock, logger, maxMessageBytes: 1000 });
    feeds.push(feed);
    feed.start(sink);
    const client = await connected(wss);
    await waitFor(() => feed.status().state === 'live', 'live');

    const messages = [
      tick('AAPL', 191),
      '{not json',
      JSON.stringify({ type: 'quote', symbol: 'AAPL' }),
      tick('AAPL', 0),
      tick('AAPL', -5),
      tick('AAPL', 'high'),
      tick('ZZZZ', 10),
      JSON.stringify({ type: 'tick', symbol: 'AAPL', price: 1, ts: 'soon' }),
      '{"type":"ticks","ticks":[{"symbol":"MSFT","price":411,"ts":"2026-01-02T15:00:01Z"},{"symbol":"MSFT","price":1e999,"ts":"2026-01-02T15:00:01Z"}]}',
      tick('AAPL', 190, '2025-12-31T15:00:00Z'),
      JSON.stringify({ type: 'position', portfolio_id: 'nobody', symbol: 'AAPL', quantity: 5 }),
      JSON.stringify({ type: 'position', portfolio_id: 'p1', symbol: 'AAPL', quantity: 'many' }),
      JSON.stringify({ type: 'position', portfolio_id: 'p1', symbol: 'AAPL', quantity: 25 }),
      tick('AAPL', 192).padEnd(1500, ' '),
      tick('SPY', 501),
    ];
    for (const m of messages) client.send(m);
    await waitFor(() => sink.ticks.some((t) => t.symbol === 'SPY'), 'the last good tick');

    expect(sink.ticks.map((t) => `${t.symbol}@${t.price}`)).toEqual(['AAPL@191', 'MSFT@411', 'SPY@501']);
    expect(sink.positions).toEqual([{ portfolio_id: 'p1', symbol: 'AAPL', quantity: 25 }]);
    const status = feed.status();
    expect(status.dropped).toEqual({ malformed: 3, bad_price: 4, unknown_symbol: 1, out_of_order: 1, unknown_portfolio: 1, bad_quantity: 1, oversize: 1 });
    expect(status.ticks_total).toBe(3);
    expect(status.state).toBe('live');
    const logged = logger.lines.filter((l) => l.msg.startsWith('feed message dropped')).map((l) => l.fields.reason);
    expect(new Set(logged)).toEqual(new Set(Object.keys(status.dropped)));
    const oversize = logger.lines.find((l) => l.fields.reason === 'oversize')!;
    expect(oversize.fields.detail).toMatch(/1500 bytes \(limit 1000\)/);
  });

  it('reconnects with backoff after the gateway dies, and ticks flow again', async () => {
    const port = await freePort();
    let wss = await wsServer(port);
    const sink = recordingSink();
    const feed = new WebSocketFeed(`ws://127.0.0.1:${port}`, { clock: systemClock, logger: captureLogger(), backoff: fastBackoff });
    feeds.push(feed);
    feed.start(sink);
    (await connected(wss)).send(tick('AAPL', 191));
    await waitFor(() => sink.ticks.length === 1, 'the first tick');

    await closeServer(servers.splice(servers.indexOf(wss), 1)[0]);
    await waitFor(() => feed.status().state === 'reconnecting', 'reconnecting');
    // Down for a while: several failed attempts (connection refused) must not stop the feed.
    await new Promise((r) => setTimeout(r, 300));
    expect(feed.status().state).toBe('reconnecting');

    wss = await wsServer(port);
    (await connected(wss)).send(tick('AAPL', 193));
    await waitFor(() => sink.ticks.length === 2, 'a tick after the reconnect');
    expect(feed.status().state).toBe('live');
    expect(sink.states).toEqual(expect.arrayContaining(['connecting', 'live', 'reconnecting']));
    expect(sink.states.filter((s) => s === 'live').length).toBeGreaterThanOrEqual(2);
    expect(sink.ticks[1].price).toBe(193);
  });

  it('drops a connection that stops answering pings, then reconnects', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, autoPong: false });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    servers.push(wss);
    const feed = new WebSocketFeed(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, { clock: systemClock, logger: captureLogger(), backoff: fastBackoff, pingIntervalMs: 50 });
    feeds.push(feed);
    const sink = recordingSink();
    feed.start(sink);
    const first = await connected(wss);
    // A half-dead gateway: the connection stays up but pings go unanswered.
    await waitFor(() => [...wss.clients].some((c) => c !== first && c.readyState === 1), 'a second connection');
    expect(sink.states).toContain('reconnecting');
  });

  it('never shows or logs the password of a feed URL', async () => {
    const wss = await wsServer();
    const port = (wss.address() as AddressInfo).port;
    const logger = captureLogger();
    const url = `ws://trader:s3cr3t-pw@127.0.0.1:${port}/feed?token=tok-123&book=eq`;
    const feed = createFeed({ url }, { clock: systemClock, logger });
    feeds.push(feed);
    feed.start(recordingSink());
    await connected(wss);
    await closeServer(servers.splice(0, 1)[0]);
    await waitFor(() => feed.status().state === 'reconnecting', 'reconnecting');
    expect(feed.status().source).toBe(`ws://trader:***@127.0.0.1:${port}/feed?token=***&book=eq`);
    const text = JSON.stringify(logger.lines) + JSON.stringify(feed.status());
    expect(text).not.toContain('s3cr3t-pw');
    expect(text).not.toContain('tok-123');
  });
});

describe('Redis feed', () => {
  it('delivers published ticks, survives redis-server being killed and restarted, and re-subscribes; the password never shows', async () => {
    const redis = await startRedisServer(undefined, ['--requirepass', 'hunter2']);
    redisServers.push(redis);
    const sink = recordingSink();
    const logger = captureLogger();
    const feed = new RedisFeed(`redis://:hunter2@127.0.0.1:${redis.port}/0#prices`, { clock: systemClock, logger, backoff: fastBackoff });
    feeds.push(feed);
    feed.start(sink);
    expect(feed.status().source).toBe(`redis://:***@127.0.0.1:${redis.port}/0#prices`);
    await waitFor(() => feed.status().state === 'live', 'subscribed');
    let pub = new Redis(redis.port, '127.0.0.1', { password: 'hunter2' });
    await pub.publish('prices', tick('AAPL', 191));
    await pub.publish('other-channel', tick('AAPL', 1));
    await pub.publish('prices', '{"type":"tick"}');
    await waitFor(() => sink.ticks.length === 1 && feed.status().dropped.malformed === 1, 'the first tick and one malformed message');
    pub.disconnect();

    await redis.kill();
    redisServers.pop();
    await waitFor(() => feed.status().state === 'reconnecting', 'reconnecting');

    const again = await startRedisServer(redis.port, ['--requirepass', 'hunter2']);
    redisServers.push(again);
    await waitFor(() => feed.status().state === 'live', 'live again');
    pub = new Redis(again.port, '127.0.0.1', { password: 'hunter2' });
    // Re-subscription completes just after 'ready': publish until the feed hears it.
    await waitFor(() => {
      void pub.publish('prices', tick('MSFT', 412));
      return sink.ticks.some((t) => t.symbol === 'MSFT');
    }, 'a tick after the restart');
    pub.disconnect();
    expect(sink.states).toEqual(expect.arrayContaining(['connecting', 'live', 'reconnecting']));
    expect(sink.ticks[0]).toMatchObject({ symbol: 'AAPL', price: 191 });
    expect(JSON.stringify(logger.lines) + JSON.stringify(feed.status())).not.toContain('hunter2');
  });

  it('a URL without a channel is refused, naming the fix', () => {
    expect(() => createFeed({ url: 'redis://127.0.0.1:6379/0' }, { clock: systemClock, logger: captureLogger() })).toThrow(/name the channel after '#'/);
  });
});

describe('simulated feed', () => {
  function simulated(seed = 7, ticksPerSecond = 20) {
    const clock = new ManualClock(Date.parse('2026-01-05T14:00:00Z'));
    const timers = new ManualTimers(clock);
    const prices: Record<string, number> = {};
    for (let i = 0; i < 10; i++) prices[`S${i}`] = 100 + i;
    const sink = recordingSink(prices, '2026-01-02');
    const feed = new SimulatedFeed({ clock, timers, logger: captureLogger(), seed, ticksPerSecond });
    feed.start(sink);
    return { clock, timers, sink, feed };
  }

  it('emits the configured rate, visiting every symbol, dated today', async () => {
    const { timers, sink, feed } = simulated(7, 20);
    timers.advance(10_000);
    expect(sink.ticks.length).toBe(200);
    const counts = new Map<string, number>();
    for (const t of sink.ticks) counts.set(t.symbol, (counts.get(t.symbol) ?? 0) + 1);
    expect([...counts.values()]).toEqual(Array(10).fill(20));
    expect(new Set(sink.ticks.map((t) => t.date))).toEqual(new Set(['2026-01-05']));
    expect(feed.status()).toMatchObject({ kind: 'simulated', state: 'live', ticks_total: 200 });
    await feed.stop();
  });

  it('is reproducible from its seed', async () => {
    const a = simulated(11);
    const b = simulated(11);
    const c = simulated(12);
    for (const x of [a, b, c]) x.timers.advance(5_000);
    expect(a.sink.ticks).toEqual(b.sink.ticks);
    expect(a.sink.ticks).not.toEqual(c.sink.ticks);
    await Promise.all([a.feed.stop(), b.feed.stop(), c.feed.stop()]);
  });

  it('moves symbols together (one market factor) and keeps prices positive', async () => {
    const { timers, sink, feed } = simulated(3, 10);
    // Per-second log returns of two symbols over a simulated hour.
    const series: Record<string, number[]> = { S0: [], S1: [] };
    const last: Record<string, number> = { S0: 100, S1: 101 };
    let seen = 0;
    for (let s = 0; s < 3600; s++) {
      timers.advance(1000);
      const now: Record<string, number> = { ...last };
      for (; seen < sink.ticks.length; seen++) if (sink.ticks[seen].symbol in now) now[sink.ticks[seen].symbol] = sink.ticks[seen].price;
      for (const sym of ['S0', 'S1']) {
        series[sym].push(Math.log(now[sym] / last[sym]));
        last[sym] = now[sym];
      }
    }
    const corr = correlation(series.S0, series.S1);
    expect(corr).toBeGreaterThan(0.15);
    expect(sink.ticks.every((t) => t.price > 0 && Number.isFinite(t.price))).toBe(true);
    await feed.stop();
  });

  it('shock moves the given symbols by exactly the move, at once', async () => {
    const { sink, feed } = simulated();
    const moved = feed.shock(['S1', 'S2', 'NOPE'], -0.08);
    expect(moved).toEqual(['S1', 'S2']);
    expect(sink.ticks.map((t) => [t.symbol, t.price])).toEqual([
      ['S1', 101 * 0.92],
      ['S2', 102 * 0.92],
    ]);
    await feed.stop();
    expect(feed.status().state).toBe('stopped');
  });
});

describe('replay feed', () => {
  const csv = ['date,AAPL,MSFT', '2026-01-01,180,400', '2026-01-02,181,401', '2026-01-05,183,', '2026-01-06,182,405', '2026-01-07,185,404'].join('\n');

  it('replays each date as that day\'s ticks, compressing calendar time by speed, from the book\'s latest date on', async () => {
    const file = writeFile(tmp.dir, 'replay.csv', csv);
    const clock = new ManualClock(Date.parse('2026-02-01T09:00:00Z'));
    const timers = new ManualTimers(clock);
    const sink = recordingSink({ AAPL: 181, MSFT: 401 }, '2026-01-02');
    const feed = new ReplayFeed(file, { clock, timers, logger: captureLogger(), speed: 86_400 });
    feed.start(sink);
    // The book's latest date (01-02) is replayed at once: it updates that day's close.
    expect(sink.ticks.map((t) => `${t.date} ${t.symbol} ${t.price}`)).toEqual(['2026-01-02 AAPL 181', '2026-01-02 MSFT 401']);
    timers.advance(2_999);
    expect(sink.ticks).toHaveLength(2);
    timers.advance(1); // 01-05 is three calendar days later: 3 s at 86400x
    expect(sink.ticks.slice(2).map((t) => `${t.date} ${t.symbol}`)).toEqual(['2026-01-05 AAPL']);
    timers.advance(2_000);
    expect(sink.ticks.map((t) => t.date)).toEqual(['2026-01-02', '2026-01-02', '2026-01-05', '2026-01-06', '2026-01-06', '2026-01-07', '2026-01-07']);
    expect(feed.status().state).toBe('stopped');
    await feed.done;
    expect(feed.status().dropped).toEqual({});
  });

  it('a bad file fails when the feed is created, naming file, line and field', () => {
    const file = writeFile(tmp.dir, 'bad.csv', 'date,AAPL\n2026-01-02,12\n2026-01-05,-1\n');
    expect(() => createFeed({ replay: { file, speed: 60 } }, { clock: systemClock, logger: captureLogger() })).toThrow(/bad\.csv: line 3, field "AAPL"/);
    expect(() => createFeed({ replay: { file: writeFile(tmp.dir, 'ok.csv', csv), speed: 0 } }, { clock: systemClock, logger: captureLogger() })).toThrow(/--speed.*above 0/);
  });
});

describe('a sink that throws', () => {
  it('costs only that message: counted as rejected, and the feed keeps delivering', async () => {
    const wss = await wsServer();
    const sink = recordingSink();
    const inner = sink.tick;
    sink.tick = (t) => {
      if (t.price === 13) throw new Error('unlucky');
      return inner(t);
    };
    const logger = captureLogger();
    const feed = new WebSocketFeed(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, { clock: systemClock, logger });
    feeds.push(feed);
    feed.start(sink);
    const client = await connected(wss);
    client.send(tick('AAPL', 13));
    client.send(tick('AAPL', 14));
    await waitFor(() => sink.ticks.length === 1, 'the tick after the failure');
    expect(feed.status()).toMatchObject({ ticks_total: 1, dropped: { rejected: 1 }, state: 'live' });
    expect(logger.lines.some((l) => l.level === 'error' && /rejected by the monitor/.test(l.msg))).toBe(true);
  });
});

describe('feed selection and URLs', () => {
  it('picks the feed from the URL scheme and refuses the rest', () => {
    const deps = { clock: systemClock, logger: captureLogger() };
    expect(createFeed({}, deps).kind).toBe('simulated');
    expect(createFeed({ url: 'ws://127.0.0.1:1/x' }, deps).kind).toBe('websocket');
    expect(createFeed({ url: 'wss://example.test/x' }, deps).kind).toBe('websocket');
    expect(createFeed({ url: 'redis://127.0.0.1:1/0#c' }, deps).kind).toBe('redis');
    expect(() => createFeed({ url: 'http://user:pw@x/feed' }, deps)).toThrow(/http:\/\/user:\*\*\*@x\/feed: expected ws:\/\//);
    expect(() => createFeed({ url: 'ws://x', replay: { file: 'f.csv' } }, deps)).toThrow(/either --feed or --replay/);
    for (const bad of ['ws://user:pa55@:::1/x', 'ws://user:pa55@exa mple/x']) {
      let message = '';
      try {
        createFeed({ url: bad }, deps);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(/not a valid ws:\/\/ or wss:\/\/ URL|unparseable/);
      expect(message).not.toContain('pa55');
    }
    expect(() => createFeed({ url: 'ws://x', ticksPerSecond: 5 }, deps)).toThrow(/only to the simulated feed/);
  });

  it('redactUrl hides passwords and token-like query values, keeps the rest', () => {
    expect(redactUrl('redis://:pw@h:6379/0#prices')).toBe('redis://:***@h:6379/0#prices');
    expect(redactUrl('wss://h/feed?apiKey=abc&book=1')).toBe('wss://h/feed?apiKey=***&book=1');
    expect(redactUrl('ws://h:1/feed')).toBe('ws://h:1/feed');
    expect(redactUrl('::not a url:: pw')).toBe('<unparseable feed url>');
  });

  it('backoff grows exponentially with jitter in [d/2, d], capped', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
        const d = Math.min(30_000, 500 * 2 ** Math.min(attempt, 30));
        const delay = backoffDelay(attempt, { baseMs: 500, maxMs: 30_000 }, () => r);
        return delay >= Math.floor(d / 2) && delay <= d;
      }),
    );
    expect(backoffDelay(3, { baseMs: 100, maxMs: 10_000 }, () => 1)).toBe(800);
  });
});

function correlation(a: number[], b: number[]): number {
  const n = a.length;
  const ma = a.reduce((s, x) => s + x, 0) / n;
  const mb = b.reduce((s, x) => s + x, 0) / n;
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < n; i++) {
    cov += (a[i] - ma) * (b[i] - mb);
    va += (a[i] - ma) ** 2;
    vb += (b[i] - mb) ** 2;
  }
  return cov / Math.sqrt(va * vb);
}
