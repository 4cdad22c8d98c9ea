// The API token when served: `?token=` on first load (the link `risk-desk serve` prints) is
// moved into sessionStorage and removed from the address bar, so it is not left in history,
// bookmarks or screenshots. Without one the dashboard shows the sign-in screen.
import { ROLES, type Role } from '../../../shared/domain';

export const TOKEN_KEY = 'risk-desk.token';

export interface TokenClaims {
  sub: string | null;
  role: Role | null;
  /** Expiry, epoch seconds, when the token carries one. */
  exp: number | null;
}

/** Reads the token from the URL (and stores it) or from session storage. */
export function takeToken(loc: Pick<Location, 'href'>, history: Pick<History, 'replaceState' | 'state'>, storage: Pick<Storage, 'getItem' | 'setItem'>): string | null {
  const url = new URL(loc.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    storage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    history.replaceState(history.state, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return storage.getItem(TOKEN_KEY);
}

function base64UrlDecode(s: string): string {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4);
  const bin = atob(b64);
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/**
 * The claims of a JWT, read without verifying it: only to label the user and hide actions the
 * role may not take. The server verifies every call. Null when the token is not a JWT.
 */
export function readClaims(token: string): TokenClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const payload = JSON.parse(base64UrlDecode(parts[1])) as Record<string, unknown>;
    const role = typeof payload.role === 'string' && (ROLES as readonly string[]).includes(payload.role) ? (payload.role as Role) : null;
    return {
      sub: typeof payload.sub === 'string' ? payload.sub : null,
      role,
      exp: typeof payload.exp === 'number' ? payload.exp : null,
    };
  } catch {
    return null;
  }
}

export function isExpired(claims: TokenClaims | null, nowMs: number): boolean {
  return claims?.exp != null && claims.exp * 1000 <= nowMs;
}
