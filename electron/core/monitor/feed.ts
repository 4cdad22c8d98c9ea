// One interface for every market-data feed (simulated, WebSocket, Redis, CSV replay), and the
// base they share: decoding, size limits, drop counting by reason, throttled logging, state.
import { decodeFeedMessage, type DecodedTick, type DropReason, MAX_FEED_MESSAGE_BYTES } from '../../../shared/feed';
import type { Position } from '../../../shared/domain';
import type { FeedState, FeedStatus } from '../../../shared/events';
import type { Clock, Logger } from '../ports';

export type Tick = DecodedTick;
export type FeedKind = FeedStatus['kind'];

/** What a feed delivers into: the monitor. Returns the reason when it refuses a tick or position. */
export interface FeedSink {
  tick(t: Tick): DropReason | undefined;
  position(p: Position): DropReason | undefined;
  /** The feed's state changed (connecting, live, reconnecting, stopped). */
  status(s: FeedStatus): void;
  /** The book's symbols, their latest prices and latest date (the simulated and replay feeds start from them). */
  symbols(): readonly string[];
  lastPrice(symbol: string): number | undefined;
  latestDate(): string;
}

export interface Feed {
  readonly kind: FeedKind;
  start(sink: FeedSink): void;
  /** Disconnects and clears every timer; resolves once the feed is quiet. */
  stop(): Promise<void>;
  status(): FeedStatus;
}

export interface FeedDeps {
  clock: Clock;
  logger: Logger;
  /** Messages above this many bytes are dropped as `oversize` (default 1 MiB). */
  maxMessageBytes?: number;
}

/** Drops are logged at most once per reason in this interval, with the count of those not logged. */
const DROP_LOG_INTERVAL_MS = 10_000;
const SAMPLE_CHARS = 200;

export abstract class FeedBase implements Feed {
  protected sink: FeedSink | undefined;
  protected readonly logger: Logger;
  protected readonly maxMessageBytes: number;
  private state: FeedState = 'stopped';
  private lastMessageAt: number | null = null;
  private ticksTotal = 0;
  private readonly dropped: Partial<Record<DropReason, number>> = {};
  private readonly dropLog = new Map<DropReason, { at: number; suppressed: number }>();

  protected constructor(
    readonly kind: FeedKind,
    /** The source as shown and logged: never carries a password. */
    readonly source: string,
    protected readonly deps: FeedDeps,
  ) {
    this.logger = deps.logger.child({ feed: kind, source });
    this.maxMessageBytes = deps.maxMessageBytes ?? MAX_FEED_MESSAGE_BYTES;
  }

  abstract start(sink: FeedSink): void;
  abstract stop(): Promise<void>;

  status(): FeedStatus {
    return {
      kind: this.kind,
      source: this.source,
      state: this.state,
      last_message_at: this.lastMessageAt === null ? null : new Date(this.lastMessageAt).toISOString(),
      ticks_total: this.ticksTotal,
      dropped: { ...this.dropped } as Record<string, number>,
    };
  }

  protected get currentState(): FeedState {
    return this.state;
  }

  protected setState(state: FeedState): void {
    if (state === this.state) return;
    const from = this.state;
    this.state = state;
    this.logger.info({ from, to: state }, `feed ${state}`);
    this.sink?.status(this.status());
  }

  /** One raw message from the wire: size check, decode, deliver. Never throws. */
  protected receive(raw: string | Buffer): void {
    this.lastMessageAt = this.deps.clock.now();
    const bytes = typeof raw === 'string' ? Buffer.byteLength(raw) : raw.length;
    if (bytes > this.maxMessageBytes) {
      this.drop('oversize', `${bytes} bytes (limit ${this.maxMessageBytes})`, raw);
      return;
    }
    const text = typeof raw === 'string' ? raw : raw.toString('utf8');
    for (const item of decodeFeedMessage(text)) {
      if (item.kind === 'tick') this.deliverTick(item.tick, text);
      else if (item.kind === 'position') {
        const reason = this.safely(() => this.sink?.position(item.position), text);
        if (reason) this.drop(reason, `position ${item.position.portfolio_id}/${item.position.symbol}`, text);
      } else this.drop(item.reason, item.detail, text);
    }
  }

  /** Delivers a decoded tick (the simulated and replay feeds call this directly). */
  protected deliverTick(tick: Tick, raw?: string): void {
    if (raw === undefined) this.lastMessageAt = this.deps.clock.now();
    const reason = this.safely(() => this.sink?.tick(tick), raw);
    if (reason) this.drop(reason, `${tick.symbol} ${tick.price} on ${tick.date}`, raw);
    else this.ticksTotal++;
  }

  /** A sink that throws must not stop the feed: the message counts as `rejected`. */
  private safely(fn: () => DropReason | undefined, raw: string | undefined): DropReason | undefined {
    try {
      return fn();
    } catch (err) {
      this.logger.error({ err, sample: raw?.slice(0, SAMPLE_CHARS) }, 'feed message rejected by the monitor');
      return 'rejected';
    }
  }

  protected drop(reason: DropReason, detail: string, raw?: string | Buffer): void {
    this.dropped[reason] = (this.dropped[reason] ?? 0) + 1;
    const now = this.deps.clock.now();
    const last = this.dropLog.get(reason);
    if (last && now - last.at < DROP_LOG_INTERVAL_MS) {
      last.suppressed++;
      return;
    }
    const sample = raw === undefined ? undefined : (typeof raw === 'string' ? raw : raw.subarray(0, SAMPLE_CHARS).toString('utf8')).slice(0, SAMPLE_CHARS);
    this.logger.warn({ reason, detail, sample, suppressed_since_last_log: last?.suppressed ?? 0, dropped_total: this.dropped[reason] }, `feed message dropped: ${reason}`);
    this.dropLog.set(reason, { at: now, suppressed: 0 });
  }
}

/**
 * The URL with its password (and any token-like query value) replaced by `***`, for logs and
 * status. Anything unparseable is not echoed at all.
 */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return '<unparseable feed url>';
  }
  if (u.password) u.password = '***';
  for (const key of [...u.searchParams.keys()]) {
    if (/token|secret|password|pass|key|auth|sig/i.test(key)) u.searchParams.set(key, '***');
  }
  return u.toString().replace(/%2A%2A%2A/g, '***');
}

export interface BackoffOptions {
  /** First delay (ms). */
  baseMs: number;
  /** Largest delay (ms). */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 30_000 };

/**
 * Exponential backoff with jitter: attempt n waits a random time in [d/2, d], d = min(max, base * 2^n),
 * so a fleet of clients reconnecting after an outage spreads out instead of stampeding.
 */
export function backoffDelay(attempt: number, opts: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const d = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(d / 2 + (d / 2) * random());
}
