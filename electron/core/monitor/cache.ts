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
import { FIGURE, FIGURE_COUNT, type NullReasons, putNulls } from '../risk/metrics';
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

/**
 * A portfolio's latest figures as the cache holds them: the numbers copied into a vector of its
 * own (metrics.ts FIGURE order, NaN for null), the rest beside them; a snapshot object is made when
 * one is read. Keeping the emitted snapshot objects instead kept ~1,000 of them (~860 bytes each,
 * most of it boxed numbers) alive through every young collection of the live loop, copied and then
 * promoted, and cost a map write on each of its ~60,000 recomputes a second. The monitor keeps each
 * portfolio's entry, so a write is a copy of 30 numbers.
 */
export class CachedFigures {
  readonly values = new Float64Array(FIGURE_COUNT);
  as_of = '';
  observations = 0;
  null_reasons: NullReasons = {};
  timestamp = '';
  stale = false;
  /** Written at least once (an entry is made before its first write). */
  written = false;
  /** Dropped from the cache (its portfolio left the book): whoever kept it asks for a new one. */
  removed = false;
  /** Waiting for the next Redis write. */
  dirty = false;

  constructor(readonly portfolio_id: string) {}

  /** A snapshot of the figures (a new object on each call, the caller's to keep). */
  snapshot(): RiskSnapshot {
    return snapshotOf(this.portfolio_id, this.values, this.as_of, this.observations, this.null_reasons, this.timestamp, this.stale);
  }
}

export class SnapshotCache {
  private readonly latest = new Map<string, CachedFigures>();
  private redis: Redis | undefined;
  /** Entries to write to Redis at the next flush (serialised then: a busy portfolio's many updates cost one JSON each second). */
  private dirty: CachedFigures[] = [];
  private dirtyFeed: FeedStatus | undefined;
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

  /** The latest snapshot of a portfolio, made now from its entry; undefined before its first write. */
  get(portfolioId: string): RiskSnapshot | undefined {
    const entry = this.latest.get(portfolioId);
    return entry?.written ? entry.snapshot() : undefined;
  }

  /** Every portfolio's latest snapshot, made now. */
  all(): RiskSnapshot[] {
    const out: RiskSnapshot[] = [];
    for (const entry of this.latest.values()) if (entry.written) out.push(entry.snapshot());
    return out;
  }

  /** A portfolio's entry, made (unwritten) when it has none: keep it and pass it to write(). */
  entry(portfolioId: string): CachedFigures {
    let entry = this.latest.get(portfolioId);
    if (!entry) this.latest.set(portfolioId, (entry = new CachedFigures(portfolioId)));
    return entry;
  }

  /** Makes these the entry's latest figures (copied: `values` may be the book's own vector, or the entry's). */
  write(entry: CachedFigures, values: Float64Array, asOf: string, observations: number, nullReasons: NullReasons, timestamp: string, stale: boolean): void {
    if (values !== entry.values) entry.values.set(values);
    entry.as_of = asOf;
    entry.observations = observations;
    entry.null_reasons = nullReasons;
    entry.timestamp = timestamp;
    entry.stale = stale;
    entry.written = true;
    if (this.redis && !entry.dirty && !entry.removed) {
      entry.dirty = true;
      this.dirty.push(entry);
      this.scheduleFlush();
    }
  }

  delete(portfolioId: string): void {
    const entry = this.latest.get(portfolioId);
    if (!entry) return;
    entry.removed = true;
    this.latest.delete(portfolioId);
    if (this.redis?.status === 'ready') this.redis.del(snapshotKey(portfolioId)).catch((err: Error) => this.logError(err));
  }

  setFeed(status: FeedStatus): void {
    if (!this.redis) return;
    this.dirtyFeed = status;
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushTimer === undefined) this.flushTimer = this.timers.setTimeout(() => void this.flush(), this.opts.flushMs ?? 1000);
  }

  /** Writes pending keys to Redis now (one pipeline). Resolves false when Redis is unavailable. */
  async flush(): Promise<boolean> {
    if (this.flushTimer !== undefined) this.timers.clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (!this.redis || (this.dirty.length === 0 && this.dirtyFeed === undefined)) return true;
    if (this.redis.status !== 'ready') {
      // Keep only the latest value per key until Redis is back (bounded by the number of portfolios).
      this.logError(new Error(`Redis not ready (${this.redis.status}); cache write deferred`));
      this.scheduleFlush();
      return false;
    }
    const batch = this.redis.pipeline();
    for (const entry of this.dirty) {
      entry.dirty = false;
      if (!entry.removed) batch.set(snapshotKey(entry.portfolio_id), JSON.stringify(entry.snapshot()), 'EX', this.ttl);
    }
    if (this.dirtyFeed) batch.set(FEED_KEY, JSON.stringify(this.dirtyFeed), 'EX', this.ttl);
    this.dirty = [];
    this.dirtyFeed = undefined;
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

/**
 * A snapshot from a figure vector (metrics.ts FIGURE: NaN for null), every field written out. A
 * literal of fixed shape is what V8 builds fastest: a spread of the figures cost ~1.5 us per
 * snapshot in the live loop (adding fields after one, ~20 us). The fields take the vector's
 * doubles as they are and the nulls are put in afterwards: a helper mapping NaN to null on each
 * field boxed every figure twice (~450 bytes more per recompute, a fifth of all it allocated).
 * The type checker holds the list to the contract: a metric missing here does not compile.
 */
export function snapshotOf(portfolioId: string, f: Float64Array, asOf: string, observations: number, nullReasons: RiskSnapshot['null_reasons'], timestamp: string, stale: boolean): RiskSnapshot {
  const snapshot: RiskSnapshot = {
    portfolio_id: portfolioId,
    as_of: asOf,
    observations,
    timestamp,
    null_reasons: nullReasons,
    stale,
    var_95: f[FIGURE.var_95],
    var_99: f[FIGURE.var_99],
    cvar_95: f[FIGURE.cvar_95],
    cvar_99: f[FIGURE.cvar_99],
    parametric_var_95: f[FIGURE.parametric_var_95],
    parametric_var_99: f[FIGURE.parametric_var_99],
    cornish_fisher_var_95: f[FIGURE.cornish_fisher_var_95],
    cornish_fisher_var_99: f[FIGURE.cornish_fisher_var_99],
    var_95_amount: f[FIGURE.var_95_amount],
    var_99_amount: f[FIGURE.var_99_amount],
    cvar_95_amount: f[FIGURE.cvar_95_amount],
    cvar_99_amount: f[FIGURE.cvar_99_amount],
    parametric_var_95_amount: f[FIGURE.parametric_var_95_amount],
    parametric_var_99_amount: f[FIGURE.parametric_var_99_amount],
    volatility: f[FIGURE.volatility],
    ewma_volatility: f[FIGURE.ewma_volatility],
    max_drawdown: f[FIGURE.max_drawdown],
    sharpe_ratio: f[FIGURE.sharpe_ratio],
    sortino_ratio: f[FIGURE.sortino_ratio],
    calmar_ratio: f[FIGURE.calmar_ratio],
    gross_exposure: f[FIGURE.gross_exposure],
    net_exposure: f[FIGURE.net_exposure],
    leverage_ratio: f[FIGURE.leverage_ratio],
    nav: f[FIGURE.nav],
    concentration_risk: {
      max_position: f[FIGURE['concentration_risk.max_position']],
      hhi: f[FIGURE['concentration_risk.hhi']],
      effective_positions: f[FIGURE['concentration_risk.effective_positions']],
      top5: f[FIGURE['concentration_risk.top5']],
    },
  };
  putNulls(snapshot, f);
  return snapshot;
}
