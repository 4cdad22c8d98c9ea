// Token buckets per channel (the provider's hard limit, e.g. a Twilio long code sends 1 SMS/s)
// and per (channel, recipient) (a person's tolerance for noise). Buckets live in memory: after
// a restart they start full, which at worst allows one extra burst.
import type { Channel } from '../../../shared/domain';

export interface BucketLimit {
  /** Tokens added per second. */
  ratePerSec: number;
  /** Most tokens held (the burst allowed after a quiet spell). */
  burst: number;
}

export interface RateLimits {
  channel: Record<Channel, BucketLimit>;
  recipient: Record<Channel, BucketLimit>;
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  channel: {
    email: { ratePerSec: 20, burst: 40 },
    sms: { ratePerSec: 1, burst: 1 },
    webhook: { ratePerSec: 1, burst: 3 },
    desktop: { ratePerSec: 1, burst: 5 },
  },
  recipient: {
    email: { ratePerSec: 1 / 12, burst: 5 },
    sms: { ratePerSec: 1 / 60, burst: 3 },
    webhook: { ratePerSec: 1 / 5, burst: 3 },
    desktop: { ratePerSec: 1 / 5, burst: 5 },
  },
};

export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly limit: BucketLimit,
    now: number,
  ) {
    this.tokens = limit.burst;
    this.at = now;
  }

  private refill(now: number): void {
    if (now > this.at) {
      this.tokens = Math.min(this.limit.burst, this.tokens + ((now - this.at) / 1000) * this.limit.ratePerSec);
      this.at = now;
    }
  }

  /** Milliseconds until a token is available (0 = now). */
  waitMs(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.limit.ratePerSec) * 1000);
  }

  take(now: number): void {
    this.refill(now);
    // Floor at 0: a storm of CRITICAL pages empties a recipient's bucket but does not push the
    // digest of lower severities further out than one refill.
    this.tokens = Math.max(0, this.tokens - 1);
  }
}

export type RateDecision = { ok: true } | { ok: false; scope: 'channel' | 'recipient'; waitMs: number };

export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly limits: RateLimits = DEFAULT_RATE_LIMITS) {}

  private bucket(key: string, limit: BucketLimit, now: number): TokenBucket {
    let b = this.buckets.get(key);
    if (!b) this.buckets.set(key, (b = new TokenBucket(limit, now)));
    return b;
  }

  /**
   * Whether a message may go now. `enforceRecipient` false (CRITICAL) skips the recipient's
   * bucket: a person's noise limit never holds back a critical page, the provider's limit does.
   */
  check(channel: Channel, recipient: string, now: number, enforceRecipient: boolean): RateDecision {
    const ch = this.bucket(`c:${channel}`, this.limits.channel[channel], now).waitMs(now);
    if (ch > 0) return { ok: false, scope: 'channel', waitMs: ch };
    if (enforceRecipient) {
      const r = this.bucket(`r:${channel}:${recipient}`, this.limits.recipient[channel], now).waitMs(now);
      if (r > 0) return { ok: false, scope: 'recipient', waitMs: r };
    }
    return { ok: true };
  }

  /** Spends a token from both buckets (a CRITICAL page over the recipient's limit just empties that bucket). */
  take(channel: Channel, recipient: string, now: number): void {
    this.bucket(`c:${channel}`, this.limits.channel[channel], now).take(now);
    this.bucket(`r:${channel}:${recipient}`, this.limits.recipient[channel], now).take(now);
  }

  /** Milliseconds until the recipient's bucket has a token. */
  recipientWaitMs(channel: Channel, recipient: string, now: number): number {
    return this.bucket(`r:${channel}:${recipient}`, this.limits.recipient[channel], now).waitMs(now);
  }
}
