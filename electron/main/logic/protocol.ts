// The app:// protocol: how a request maps to a file of the built dashboard, and the headers
// every answer carries. Paths that escape the root are refused, whatever their encoding.
import fs from 'node:fs/promises';
import path from 'node:path';
import { APP_HOST, APP_SCHEME } from './channels';
import { originOf } from './ipc';

/**
 * Strict CSP for the packaged dashboard: only our own scripts, no eval, no plugins, no framing,
 * no outside connections (the dashboard talks to the engine over IPC, not the network).
 * Inline styles stay allowed because React and ECharts set style attributes; styles cannot run code.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.map': 'application/json',
};

export type AppRequest = { kind: 'file'; file: string; mime: string } | { kind: 'forbidden'; reason: string };

/**
 * Maps app://desk/<path> to a file under root. "/" and extension-less paths (dashboard routes)
 * serve index.html. Refused: another scheme or host, undecodable escapes, NUL bytes,
 * backslashes, encoded dot segments, and anything that would resolve outside root.
 */
export function resolveAppRequest(root: string, requestUrl: string): AppRequest {
  let u: URL;
  try {
    u = new URL(requestUrl);
  } catch {
    return { kind: 'forbidden', reason: 'malformed URL' };
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return { kind: 'forbidden', reason: 'wrong origin' };
  let pathname: string;
  try {
    pathname = decodeURIComponent(u.pathname);
  } catch {
    return { kind: 'forbidden', reason: 'bad escape' };
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return { kind: 'forbidden', reason: 'illegal character' };
  // The URL parser already resolved literal dot segments; one that appears only after decoding was smuggled in.
  if (pathname.split('/').includes('..')) return { kind: 'forbidden', reason: 'encoded dot segment' };
  const rootAbs = path.resolve(root);
  const relative = path.posix.normalize(pathname).replace(/^\/+/, '');
  const file = path.resolve(rootAbs, relative);
  if (file !== rootAbs && !file.startsWith(rootAbs + path.sep)) return { kind: 'forbidden', reason: 'outside the app' };
  const ext = path.extname(file).toLowerCase();
  if (file === rootAbs || ext === '') return { kind: 'file', file: path.join(rootAbs, 'index.html'), mime: MIME['.html'] };
  return { kind: 'file', file, mime: MIME[ext] ?? 'application/octet-stream' };
}

/** Headers of every app:// answer. */
export function appResponseHeaders(mime: string): Record<string, string> {
  return {
    'content-type': mime,
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'cross-origin-opener-policy': 'same-origin',
    'referrer-policy': 'no-referrer',
  };
}

/** Navigation is allowed only within the app's own origin (in-app links and reloads). */
export function isInAppNavigation(url: string, origins: readonly string[]): boolean {
  const origin = originOf(url);
  return origin !== null && origins.includes(origin);
}

/**
 * The app:// request handler (protocol.handle takes it as is): GET/HEAD only, the resolved
 * file with the CSP headers, 403 for refused paths, 404 for missing files.
 */
export function createAppHandler(root: string, readFile: (file: string) => Promise<Buffer> = (f) => fs.readFile(f)): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response('method not allowed', { status: 405 });
    const r = resolveAppRequest(root, request.url);
    if (r.kind === 'forbidden') return new Response(`forbidden: ${r.reason}`, { status: 403 });
    let body: Buffer;
    try {
      body = await readFile(r.file);
    } catch {
      return new Response('not found', { status: 404 });
    }
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers: appResponseHeaders(r.mime) });
  };
}
