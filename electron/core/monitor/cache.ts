// The latest snapshot of every portfolio, in memory and, when REDIS_URL is set, in Redis so other
// instances and tools can read them (keys in docs/feeds.md):
//   risk-desk:snapshot:<portfolio_id>  the RiskSnapshot as JSON, expiring after RISK_CACHE_DURATION s
//   risk-desk:feed                      the FeedStatus as JSON, same expiry
// Redis writes are batched (the latest value per key, at most once per flush interval) and
// best-effort: while Redis is down they are skipped and logged, never queued without bound.
import { Redis } from 'ioredis';
import type { FeedStatus } from '../../../shared/events';
import type { RiskSnapshot } from '../../../shared/metrics';
import { type Logger, type Timers, type TimerHandle, systemTimers } from '../ports';
import { backoffDelay, redactUrl } from './feed';

export const CACHE_KEY_PREFIX = 'risk-desk:';
export const snapshotKey = (portfolioId: string) => `${CACHE_KEY_PREFIX}snapshot:${portfolioId}`;
export const FEED_KEY = `${CACHE_KEY_PREFIX}feed`;

export interface SnapshotCacheOptions {
  logger: Logger;
  timers?: Timers;
  /** Redis connection URL (REDIS_URL); absent = memory only. */
  redisUrl?: string;
  /** Key expiry in seconds (RISK_CACHE_DURATION, default 60). */
  ttlSeconds?: number;
  /** Writes to Redis are gathered for this long (default 1000 ms). */
  flushMs?: number;
}

export class SnapshotCache {
  private readonly latest = new Map<string, RiskSnapshot>();
  private redis: Redis | undefined;
  /** Keys to write at the next flush, with their latest value (serialised then: a busy portfolio's many updates cost one JSON each second). */
  private readonly dirty = new Map<string, RiskSnapshot | FeedStatus>();
  private readonly timers: Timers;
  private readonly ttl: number;
  private flushTimer: TimerHandle | undefined;
  private lastErrorLogAt = 0;

  constructor(private readonly opts: SnapshotCacheOptions) {
    this.timers = opts.timers ?? systemTimers;
    this.ttl = opts.ttlSeconds ?? 60;
    if (!Number.isInteger(this.ttl) || this.ttl < 1) throw new RangeError(`RISK_CACHE_DURATION must be a whole number of seconds, at least 1 (got ${opts.ttlSeconds})`);
  }

  /** Connects to Redis when a URL was given (writes before this stay in memory only). */
  connect(): void {
    const url = this.opts.redisUrl;
    if (!url || this.redis) return;
    this.redis = new Redis(url, {
      // Cache writes are best-effort: fail fast while Redis is away instead of queueing.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: (times) => backoffDelay(times - 1),
    });
    this.redis.on('error', (err: Error) => this.logError(err));
    this.redis.on('ready', () => this.opts.logger.info({ redis: redactUrl(url) }, 'snapshot cache connected to Redis'));
  }

  get(portfolioId: string): RiskSnapshot | undefined {
    return this.latest.get(portfolioId);
  }

  all(): IterableIterator<RiskSnapshot> {
    return this.latest.values();
  }

  delete(portfolioId: string): void {
    this.latest.delete(portfolioId);
    this.dirty.delete(snapshotKey(portfolioId));
    if (this.redis?.status === 'ready') this.redis.del(snapshotKey(portfolioId)).catch((err: Error) => this.logError(err));
  }

  set(snapshot: RiskSnapshot): void {
    this.latest.set(snapshot.portfolio_id, snapshot);
    if (this.redis) this.mark(snapshotKey(snapshot.portfolio_id), snapshot);
  }

  setFeed(status: FeedStatus): void {
    if (this.redis) this.mark(FEED_KEY, status);
  }

  private mark(key: string, value: RiskSnapshot | FeedStatus): void {
    this.dirty.set(key, value);
    if (this.flushTimer === undefined) this.flushTimer = this.timers.setTimeout(() => void this.flush(), this.opts.flushMs ?? 1000);
  }

  /** Writes pending keys to Redis now (one pipeline). Resolves false when Redis is unavailable. */
  async flush(): Promise<boolean> {
    if (this.flushTimer !== undefined) this.timers.clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (!this.redis || this.dirty.size === 0) return true;
    if (this.redis.status !== 'ready') {
      // Keep only the latest value per key until Redis is back (bounded by the number of portfolios).
      this.logError(new Error(`Redis not ready (${this.redis.status}); cache write deferred`));
      this.flushTimer = this.timers.setTimeout(() => void this.flush(), this.opts.flushMs ?? 1000);
      return false;
    }
    const batch = this.redis.pipeline();
    for (const [key, value] of this.dirty) batch.set(key, JSON.stringify(value), 'EX', this.ttl);
    this.dirty.clear();
    try {
      const results = (await batch.exec()) ?? [];
      const failed = results.find(([err]) => err);
      if (failed) this.logError(failed[0]!);
      return !failed;
    } catch (err) {
      this.logError(err as Error);
      return false;
    }
  }

  private logError(err: Error): void {
    const now = Date.now();
    if (now - this.lastErrorLogAt < 10_000) return;
    this.lastErrorLogAt = now;
    this.opts.logger.warn({ error: err.message.replace(this.opts.redisUrl ?? '\u0000', redactUrl(this.opts.redisUrl ?? '')) }, 'snapshot cache: Redis write failed');
  }

  async close(): Promise<void> {
    await this.flush();
    if (this.flushTimer !== undefined) this.timers.clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.redis) {
      const redis = this.redis;
      this.redis = undefined;
      const ended = new Promise<void>((resolve) => redis.once('end', () => resolve()));
      redis.disconnect();
      if (redis.status !== 'end') await ended;
    }
  }
}
