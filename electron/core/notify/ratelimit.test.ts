import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RateLimiter, TokenBucket } from './ratelimit';

describe('token buckets', () => {
  it('never lets more than burst + rate * window through in any window', () => {
    fc.assert(
      fc.property(
        fc.record({ rate: fc.double({ min: 0.1, max: 20, noNaN: true }), burst: fc.integer({ min: 1, max: 10 }) }),
        fc.array(fc.integer({ min: 0, max: 2000 }), { minLength: 1, maxLength: 300 }),
        ({ rate, burst }, gaps) => {
          const b = new TokenBucket({ ratePerSec: rate, burst }, 0);
          const taken: number[] = [];
          let t = 0;
          for (const g of gaps) {
            t += g;
            if (b.waitMs(t) === 0) {
              b.take(t);
              taken.push(t);
            }
          }
          for (let i = 0; i < taken.length; i++) {
            for (let j = i; j < taken.length; j++) {
              const window = (taken[j] - taken[i]) / 1000;
              expect(j - i + 1).toBeLessThanOrEqual(burst + rate * window + 1e-9);
            }
          }
        },
      ),
    );
  });

  it('says how long until the next token', () => {
    const b = new TokenBucket({ ratePerSec: 1, burst: 1 }, 0);
    b.take(0);
    expect(b.waitMs(0)).toBe(1000);
    expect(b.waitMs(400)).toBe(600);
    expect(b.waitMs(1000)).toBe(0);
  });

  it('a CRITICAL page skips the recipient limit but not the channel limit', () => {
    const l = new RateLimiter({
      channel: { email: { ratePerSec: 1, burst: 2 }, sms: { ratePerSec: 1, burst: 1 }, webhook: { ratePerSec: 1, burst: 1 }, desktop: { ratePerSec: 1, burst: 1 } },
      recipient: { email: { ratePerSec: 0.01, burst: 1 }, sms: { ratePerSec: 1, burst: 1 }, webhook: { ratePerSec: 1, burst: 1 }, desktop: { ratePerSec: 1, burst: 1 } },
    });
    expect(l.check('email', 'a', 0, true)).toEqual({ ok: true });
    l.take('email', 'a', 0);
    expect(l.check('email', 'a', 0, true)).toMatchObject({ ok: false, scope: 'recipient' });
    expect(l.check('email', 'a', 0, false)).toEqual({ ok: true });
    l.take('email', 'a', 0);
    expect(l.check('email', 'a', 0, false)).toMatchObject({ ok: false, scope: 'channel', waitMs: 1000 });
  });
});
