// API tokens: HS256 JWTs carrying `sub` (who), `role` (viewer, risk_manager, admin) and `exp`.
// The secret comes from --jwt-secret or WEBSOCKET_JWT_SECRET; without one, `serve` generates a
// random secret for the life of the process. The secret is never printed, logged or returned.
import { randomBytes } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { CallContext } from '../../shared/api';
import { Role } from '../../shared/domain';
import type { Clock } from '../core/ports';
import { systemClock } from '../core/ports';

/** Why a token was refused. The message is safe to send to the client (no token, no secret). */
export class AuthError extends Error {
  constructor(
    readonly reason: 'missing' | 'malformed' | 'expired' | 'bad_signature' | 'bad_claims',
    message: string,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

export interface VerifiedToken extends CallContext {
  /** Expiry, epoch seconds. */
  exp: number;
}

const DURATION = /^(\d+)\s*(s|m|h|d)$/;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;
/** Longest lifetime `risk-desk token` mints. */
export const MAX_TOKEN_SECONDS = 366 * 86_400;

/** "90s", "30m", "8h", "7d" -> seconds. */
export function parseDuration(text: string): number {
  const m = DURATION.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a duration: use a number and a unit s, m, h or d (e.g. 8h)`);
  const seconds = Number(m[1]) * UNIT_SECONDS[m[2] as keyof typeof UNIT_SECONDS];
  if (seconds <= 0) throw new Error(`"${text}": a token must live longer than 0 seconds`);
  if (seconds > MAX_TOKEN_SECONDS) throw new Error(`"${text}" is longer than the maximum of 366d`);
  return seconds;
}

export class TokenAuthority {
  private readonly key: Uint8Array;

  /** `generated` is true when the secret was made up for this process (tokens die with it). */
  private constructor(
    key: Uint8Array,
    readonly generated: boolean,
    private readonly clock: Clock,
  ) {
    this.key = key;
  }

  static fromSecret(secret: string, clock: Clock = systemClock): TokenAuthority {
    if (secret.length === 0) throw new Error('the JWT secret is empty');
    return new TokenAuthority(new TextEncoder().encode(secret), false, clock);
  }

  static generate(clock: Clock = systemClock): TokenAuthority {
    return new TokenAuthority(new Uint8Array(randomBytes(32)), true, clock);
  }

  /** True when a configured secret is shorter than HS256's 256-bit key (worth a warning, not a refusal). */
  get weak(): boolean {
    return this.key.byteLength < 32;
  }

  async sign(claims: { sub: string; role: Role; expiresInSeconds: number }): Promise<string> {
    const now = Math.floor(this.clock.now() / 1000);
    return new SignJWT({ role: claims.role })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.sub)
      .setIssuedAt(now)
      .setExpirationTime(now + claims.expiresInSeconds)
      .sign(this.key);
  }

  /** The caller a token names, or an AuthError saying why not. */
  async verify(token: string | undefined | null): Promise<VerifiedToken> {
    if (!token) throw new AuthError('missing', 'a token is required: send Authorization: Bearer <token> (or ?token= on the WebSocket)');
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        requiredClaims: ['sub', 'exp'],
        currentDate: new Date(this.clock.now()),
      }));
    } catch (err) {
      if (err instanceof errors.JWTExpired) throw new AuthError('expired', 'the token has expired');
      if (err instanceof errors.JWSSignatureVerificationFailed) throw new AuthError('bad_signature', 'the token signature is not valid');
      if (err instanceof errors.JWTClaimValidationFailed) throw new AuthError('bad_claims', `the token is missing or has a bad claim: ${err.claim}`);
      throw new AuthError('malformed', 'the token is not a valid HS256 JWT');
    }
    const role = Role.safeParse(payload.role);
    if (!role.success) throw new AuthError('bad_claims', 'the token role must be one of viewer, risk_manager, admin');
    if (typeof payload.sub !== 'string' || payload.sub.length === 0 || payload.sub.length > 256) throw new AuthError('bad_claims', 'the token subject (sub) must be a non-empty string');
    return { actor: payload.sub, role: role.data, exp: payload.exp! };
  }
}

/** The token of an `Authorization: Bearer <token>` header, if any. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : undefined;
}

/**
 * Counts failed authentications per client address in a sliding window. Past `max` failures
 * the address is refused (429) until the window has moved on, whatever it sends: a guessed
 * token learns nothing while blocked. The map is pruned so a scan from many addresses stays bounded.
 */
export class AuthFailureLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    readonly max = 20,
    readonly windowMs = 60_000,
    private readonly clock: Clock = systemClock,
    private readonly maxTracked = 10_000,
  ) {}

  private recent(ip: string, now: number): number[] {
    const list = this.failures.get(ip);
    if (!list) return [];
    while (list.length && list[0] <= now - this.windowMs) list.shift();
    if (list.length === 0) this.failures.delete(ip);
    return list;
  }

  /** Addresses currently remembered. */
  get tracked(): number {
    return this.failures.size;
  }

  /** Seconds until the address may try again, or 0 when it is not blocked. */
  retryAfter(ip: string): number {
    const now = this.clock.now();
    const list = this.recent(ip, now);
    if (list.length < this.max) return 0;
    return Math.max(1, Math.ceil((list[list.length - this.max] + this.windowMs - now) / 1000));
  }

  fail(ip: string): void {
    const now = this.clock.now();
    if (!this.failures.has(ip) && this.failures.size >= this.maxTracked) this.prune(now);
    const list = this.recent(ip, now);
    list.push(now);
    this.failures.set(ip, list);
  }

  private prune(now: number): void {
    for (const ip of [...this.failures.keys()]) this.recent(ip, now);
    // Still full of live entries: forget the oldest addresses rather than grow without bound.
    while (this.failures.size >= this.maxTracked) this.failures.delete(this.failures.keys().next().value!);
  }
}
