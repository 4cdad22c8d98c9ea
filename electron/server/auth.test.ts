import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/ports';
import { AuthError, AuthFailureLimiter, bearerToken, parseDuration, TokenAuthority } from './auth';

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256!';
const key = new TextEncoder().encode(SECRET);

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AuthError) return err.reason;
    throw err;
  }
  throw new Error('the token was accepted');
}

describe('TokenAuthority', () => {
  it('round-trips sub, role and exp', async () => {
    const clock = new ManualClock();
    const auth = TokenAuthority.fromSecret(SECRET, clock);
    const token = await auth.sign({ sub: 'alice', role: 'risk_manager', expiresInSeconds: 3600 });
    expect(await auth.verify(token)).toEqual({ actor: 'alice', role: 'risk_manager', exp: clock.now() / 1000 + 3600 });
  });

  it('refuses an expired token once the clock passes exp', async () => {
    const clock = new ManualClock();
    const auth = TokenAuthority.fromSecret(SECRET, clock);
    const token = await auth.sign({ sub: 'alice', role: 'viewer', expiresInSeconds: 60 });
    clock.advance(59_000);
    await expect(auth.verify(token)).resolves.toMatchObject({ actor: 'alice' });
    clock.advance(2_000);
    expect(await reason(auth.verify(token))).toBe('expired');
  });

  it('refuses forged, unsigned, tampered, role-less and garbage tokens', async () => {
    const auth = TokenAuthority.fromSecret(SECRET);
    const exp = Math.floor(Date.now() / 1000) + 600;
    const forged = await new SignJWT({ role: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setSubject('mallory').setExpirationTime(exp).sign(new TextEncoder().encode('another secret entirely, also long'));
    expect(await reason(auth.verify(forged))).toBe('bad_signature');
    const unsigned = new UnsecuredJWT({ role: 'admin' }).setSubject('mallory').setExpirationTime(exp).encode();
    expect(await reason(auth.verify(unsigned))).toBe('malformed');
    // A viewer token whose payload is swapped for an admin one keeps the viewer signature.
    const viewer = await auth.sign({ sub: 'bob', role: 'viewer', expiresInSeconds: 600 });
    const [h, , sig] = viewer.split('.');
    const adminPayload = Buffer.from(JSON.stringify({ sub: 'bob', role: 'admin', exp })).toString('base64url');
    expect(await reason(auth.verify(`${h}.${adminPayload}.${sig}`))).toBe('bad_signature');
    const noRole = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setExpirationTime(exp).sign(key);
    expect(await reason(auth.verify(noRole))).toBe('bad_claims');
    const badRole = await new SignJWT({ role: 'root' }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setExpirationTime(exp).sign(key);
    expect(await reason(auth.verify(badRole))).toBe('bad_claims');
    const noExp = await new SignJWT({ role: 'viewer' }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').sign(key);
    expect(await reason(auth.verify(noExp))).toBe('bad_claims');
    const hs512 = await new SignJWT({ role: 'viewer' }).setProtectedHeader({ alg: 'HS512' }).setSubject('x').setExpirationTime(exp).sign(key);
    expect(await reason(auth.verify(hs512))).toBe('malformed');
    expect(await reason(auth.verify('not.a.jwt'))).toBe('malformed');
    expect(await reason(auth.verify(''))).toBe('missing');
    expect(await reason(auth.verify(undefined))).toBe('missing');
  });

  it('generates a fresh random secret per process: tokens of one do not verify with another', async () => {
    const a = TokenAuthority.generate();
    const b = TokenAuthority.generate();
    expect(a.generated).toBe(true);
    expect(a.weak).toBe(false);
    const token = await a.sign({ sub: 'admin', role: 'admin', expiresInSeconds: 60 });
    await expect(a.verify(token)).resolves.toMatchObject({ role: 'admin' });
    expect(await reason(b.verify(token))).toBe('bad_signature');
  });

  it('flags a short configured secret as weak and refuses an empty one', () => {
    expect(TokenAuthority.fromSecret('short').weak).toBe(true);
    expect(TokenAuthority.fromSecret(SECRET).weak).toBe(false);
    expect(() => TokenAuthority.fromSecret('')).toThrow(/empty/);
  });
});

describe('parseDuration', () => {
  it.each([
    ['90s', 90],
    ['30m', 1800],
    ['8h', 28_800],
    ['7d', 604_800],
    [' 2h ', 7200],
  ])('%s = %i s', (text, seconds) => expect(parseDuration(text)).toBe(seconds));

  it.each(['', '8', 'h', '8x', '-1h', '1.5h', '0h', '400d'])('refuses %j with a reason', (text) => {
    expect(() => parseDuration(text)).toThrow(/duration|longer than 0|maximum/);
  });
});

describe('bearerToken', () => {
  it('reads the token of a Bearer header only', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer abc')).toBe('abc');
    expect(bearerToken('Basic dXNlcjpwYXNz')).toBeUndefined();
    expect(bearerToken('Bearer')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});

describe('AuthFailureLimiter', () => {
  it('blocks an address after max failures in the window, until the oldest failure ages out', () => {
    const clock = new ManualClock();
    const limiter = new AuthFailureLimiter(3, 60_000, clock);
    limiter.fail('10.0.0.1');
    clock.advance(10_000);
    limiter.fail('10.0.0.1');
    expect(limiter.retryAfter('10.0.0.1')).toBe(0);
    limiter.fail('10.0.0.1');
    expect(limiter.retryAfter('10.0.0.1')).toBe(50);
    expect(limiter.retryAfter('10.0.0.2')).toBe(0);
    clock.advance(50_000);
    expect(limiter.retryAfter('10.0.0.1')).toBe(0);
  });

  it('stays bounded when many addresses fail', () => {
    const clock = new ManualClock();
    const limiter = new AuthFailureLimiter(2, 60_000, clock, 100);
    for (let i = 0; i < 1000; i++) limiter.fail(`10.0.${i >> 8}.${i & 255}`);
    expect(limiter.tracked).toBeLessThanOrEqual(100);
    limiter.fail('10.9.9.9');
    limiter.fail('10.9.9.9');
    expect(limiter.retryAfter('10.9.9.9')).toBeGreaterThan(0);
  });
});
