// The whole desk live, on real time and real infrastructure: a `ws` gateway and a redis-server
// that are killed and restarted mid-run, the Redis snapshot cache, and a replay in seconds.
import { Redis } from 'ioredis';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { FeedStatus } from '../../../shared/events';
import { RiskSnapshotSchema } from '../../../shared/metrics-schema';
import type { RiskSnapshot } from '../../../shared/metrics';
import { liveSettingsFromEnv } from '../config';
import { Desk } from '../desk';
import { Store } from '../store/store';
import { captureLogger, freePort, startRedisServer, tempDir, waitFor, writeFile, type RedisServer } from '../testing';
import { FEED_KEY, snapshotKey } from './cache';
import { TEST_PORTFOLIOS, TEST_POSITIONS, TEST_SYMBOLS, testPrices } from './testbook';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

let n = 0;
/** A database holding the small test book (last close 2026-01-02). */
function testBookDb(): string {
  const file = path.join(tmp.dir, `live-${++n}.db`);
  const store = Store.open(file);
  store.transaction(() => {
    for (const s of TEST_SYMBOLS) store.book.upsertInstrument({ symbol: s });
    for (const r of testPrices()) store.book.upsertPrice(r);
    for (const p of TEST_PORTFOLIOS) store.book.upsertPortfolio(p);
    for (const p of TEST_POSITIONS) store.book.setPosition(p);
  });
  store.close();
  return file;
}

function open(opts: Parameters<typeof Desk.open>[0]) {
  const desk = Desk.open({ logger: captureLogger(), ...opts });
  cleanups.push(() => desk.close());
  const metrics: RiskSnapshot[] = [];
  const feed: FeedStatus[] = [];
  desk.events.on('metrics', (e) => metrics.push(e.snapshot));
  desk.events.on('feed', (e) => feed.push(e));
  return { desk, metrics, feed };
}

async function gateway(port: number): Promise<WebSocketServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', () => resolve());
    wss.once('error', reject);
  });
  return wss;
}

async function kill(wss: WebSocketServer): Promise<void> {
  for (const c of wss.clients) c.terminate();
  await new Promise<void>((resolve) => wss.close(() => resolve()));
}

const today = () => new Date().toISOString();

describe('live desk', () => {
  it('follows a WebSocket gateway that dies and comes back: reconnects, then ticks flow into metrics again', async () => {
    const port = await freePort();
    let wss = await gateway(port);
    cleanups.push(() => kill(wss));
    // Not live on open: subscribe first, then start, so no event is missed.
    const { desk, metrics, feed } = open({ dbFile: path.join(tmp.dir, 'ws.db'), live: false, feed: { url: `ws://127.0.0.1:${port}/prices`, backoff: { baseMs: 50, maxMs: 400 } } });
    desk.monitor.start();
    const send = (price: number) => {
      for (const c of wss.clients) c.send(JSON.stringify({ type: 'tick', symbol: 'NVDA', price, ts: today() }));
    };
    await waitFor(() => wss.clients.size === 1, 'the desk to connect');
    send(1000);
    const first = await waitFor(() => metrics.find((m) => m.portfolio_id === 'concentrated' && m.as_of === today().slice(0, 10)), 'metrics after the first tick');
    expect(() => RiskSnapshotSchema.parse(first)).not.toThrow();

    await kill(wss);
    await waitFor(() => desk.monitor.feedStatus().state === 'reconnecting', 'the feed to notice');
    wss = await gateway(port);
    await waitFor(() => wss.clients.size === 1 && desk.monitor.feedStatus().state === 'live', 'the reconnect');
    const seen = metrics.length;
    send(1100);
    await waitFor(() => metrics.slice(seen).some((m) => m.portfolio_id === 'concentrated'), 'metrics after the reconnect');
    // NVDA is 45% of `concentrated`: a 10% move shows in its gross exposure.
    const after = desk.monitor.latest('concentrated')!;
    expect(after.gross_exposure! / first.gross_exposure!).toBeGreaterThan(1.03);
    expect(feed.map((f) => f.state)).toEqual(expect.arrayContaining(['connecting', 'live', 'reconnecting']));
    expect(desk.monitor.feedStatus()).toMatchObject({ kind: 'websocket', source: `ws://127.0.0.1:${port}/prices`, ticks_total: 2 });
  });

  it('Redis: ticks over pub/sub, snapshots cached under risk-desk:snapshot:<id> with the TTL, and both survive redis-server restarting', async () => {
    const redis: { server: RedisServer } = { server: await startRedisServer() };
    cleanups.push(() => redis.server.kill());
    const { desk } = open({
      dbFile: testBookDb(),
      feed: { url: `redis://127.0.0.1:${redis.server.port}/0#prices`, backoff: { baseMs: 50, maxMs: 400 } },
      monitor: { redisUrl: redis.server.url, cacheSeconds: 45 },
    });
    let client = new Redis(redis.server.url);
    cleanups.push(() => void client.disconnect());
    await waitFor(() => desk.monitor.feedStatus().state === 'live', 'the feed to subscribe');
    await client.publish('prices', JSON.stringify({ type: 'tick', symbol: 'AAA', price: 77.5, ts: '2026-01-05T15:00:00Z' }));
    await waitFor(() => desk.monitor.latest('p1')?.as_of === '2026-01-05', 'the tick to reach p1');

    const cached = async (id: string) => {
      const json = await client.get(snapshotKey(id));
      return json ? (JSON.parse(json) as RiskSnapshot) : undefined;
    };
    let hit: RiskSnapshot | undefined;
    await waitFor(() => {
      void cached('p1').then((s) => (hit = s));
      return hit?.as_of === '2026-01-05';
    }, 'the cache write');
    expect(hit).toEqual(desk.monitor.latest('p1'));
    const ttl = await client.ttl(snapshotKey('p1'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(45);
    expect(JSON.parse((await client.get(FEED_KEY))!)).toMatchObject({ kind: 'redis', state: 'live' });

    // Outage: the feed reconnects and re-subscribes; cache writes resume.
    client.disconnect();
    const port = redis.server.port;
    await redis.server.kill();
    await waitFor(() => desk.monitor.feedStatus().state === 'reconnecting', 'the feed to notice the outage');
    redis.server = await startRedisServer(port);
    client = new Redis(redis.server.url);
    await waitFor(() => desk.monitor.feedStatus().state === 'live', 'the feed to come back');
    await waitFor(() => {
      void client.publish('prices', JSON.stringify({ type: 'tick', symbol: 'CCC', price: 171.25, ts: '2026-01-05T15:01:00Z' }));
      return desk.monitor.latest('p3')!.gross_exposure === 800 * 171.25;
    }, 'a tick after the restart');
    hit = undefined;
    await waitFor(() => {
      void cached('p3').then((s) => (hit = s));
      return hit?.gross_exposure === 800 * 171.25;
    }, 'the cache to be written again');
  });

  it('replays a week of closes in about two seconds of real time, then stops', async () => {
    const days = ['2026-01-05', '2026-01-06', '2026-01-07', '2026-01-08', '2026-01-09'];
    const file = writeFile(tmp.dir, 'week.csv', ['date,symbol,close', ...days.flatMap((d, i) => [`${d},AAA,${60 + i}`, `${d},BBB,${110 - i}`, `${d},CCC,${150 + i}`])].join('\n'));
    const { desk, feed } = open({ dbFile: testBookDb(), feed: { replay: { file, speed: 2 * 86_400 } } });
    await waitFor(() => feed.some((f) => f.state === 'stopped'), 'the replay to finish', 15_000);
    // The last day's recompute follows within the coalescing window.
    await waitFor(() => desk.monitor.latest('p1')!.as_of === '2026-01-09', 'the last replayed day in p1');
    expect(desk.monitor.latest('p1')!.gross_exposure).toBeCloseTo(1000 * 64 + 500 * 106, 6);
    expect(desk.monitor.feedStatus()).toMatchObject({ kind: 'replay', ticks_total: 15, dropped: {} });
  });

  it('a desk opened with live: false starts nothing until asked', async () => {
    const { desk, metrics } = open({ dbFile: testBookDb(), live: false });
    expect(metrics).toEqual([]);
    expect(desk.monitor.lastCycleAt()).toBeNull();
    desk.monitor.start();
    expect(metrics.map((m) => m.portfolio_id).sort()).toEqual(['p1', 'p2', 'p3']);
  });
});

describe('live settings from the environment', () => {
  it('reads RISK_DESK_FEED, REDIS_URL and RISK_CACHE_DURATION, refusing a bad duration by name', () => {
    expect(liveSettingsFromEnv({ RISK_DESK_FEED: 'ws://gw:9000/p', REDIS_URL: 'redis://cache:6379', RISK_CACHE_DURATION: '90' })).toEqual({
      feedUrl: 'ws://gw:9000/p',
      redisUrl: 'redis://cache:6379',
      cacheSeconds: 90,
    });
    expect(liveSettingsFromEnv({})).toEqual({ feedUrl: undefined, redisUrl: undefined, cacheSeconds: undefined });
    expect(() => liveSettingsFromEnv({ RISK_CACHE_DURATION: '1.5' })).toThrow(/RISK_CACHE_DURATION: "1.5" must be a whole number of seconds/);
  });
});
