// Browser-facing protections shared by the REST routes, the static dashboard and the WebSocket
// upgrade: the Origin check (same origin or an explicit allow-list) and the response headers.

/** A Host header we are willing to echo into a header (host, IPv4, [IPv6], optional port). */
const SAFE_HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

export function safeHost(host: string | undefined): string | undefined {
  return host && SAFE_HOST.test(host) ? host : undefined;
}

/**
 * Requests without an Origin header come from non-browser programs (scripts, gateways, curl)
 * or from same-origin navigations; they are judged by their token alone. A browser request
 * from another page must come from this server's own origin or from one in the allow-list.
 */
export function originAllowed(origin: string | undefined, host: string | undefined, allowList: ReadonlySet<string>): boolean {
  if (origin === undefined) return true;
  if (allowList.has(origin)) return true;
  const h = safeHost(host);
  return h !== undefined && (origin === `http://${h}` || origin === `https://${h}`);
}

/** The allow-list flag's values, normalised to origins (scheme://host[:port], no path). */
export function parseOrigins(values: string[]): Set<string> {
  const out = new Set<string>();
  for (const v of values) {
    for (const part of v.split(',')) {
      const s = part.trim();
      if (!s) continue;
      let url: URL;
      try {
        url = new URL(s);
      } catch {
        throw new Error(`--allow-origin "${s}" is not an origin such as https://dash.example.com`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`--allow-origin "${s}": only http and https origins`);
      out.add(url.origin);
    }
  }
  return out;
}

/**
 * The dashboard's Content-Security-Policy: scripts only from this server (Vite emits no inline
 * script), inline styles allowed (React style props, ECharts tooltips), API calls and the
 * WebSocket only to this server, no framing, no plugins.
 */
export function contentSecurityPolicy(host: string | undefined): string {
  const h = safeHost(host);
  const ws = h ? ` ws://${h} wss://${h}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${ws}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers on every response (API and dashboard alike). */
export const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  // The dashboard URL may carry ?token=: never send it on as a Referer.
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
