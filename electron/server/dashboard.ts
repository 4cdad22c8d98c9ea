// The built dashboard (out/renderer), loaded into memory at start so that only files that were
// in the build can ever be served (no path from a URL reaches the file system), each with its
// ETag, gzip form and cache policy: hashed assets are immutable for a year, the rest revalidate.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export interface StaticFile {
  body: Buffer;
  gzip: Buffer | null;
  type: string;
  etag: string;
  cacheControl: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.map', '.svg', '.txt', '.webmanifest']);
/** Vite names built assets `name-<hash>.ext`; such a file never changes under its name. */
const HASHED = /-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Risk Desk</title></head>
<body><h1>Risk Desk</h1><p>The dashboard is not built. Run <code>npm run build</code> and restart <code>risk-desk serve</code>. The API is available under <code>/api</code>.</p></body></html>`;

function file(name: string, body: Buffer, cacheControl: string): StaticFile {
  const ext = path.extname(name).toLowerCase();
  const gz = COMPRESSIBLE.has(ext) && body.length > 1024 ? gzipSync(body, { level: 9 }) : null;
  return {
    body,
    gzip: gz && gz.length < body.length ? gz : null,
    type: TYPES[ext] ?? 'application/octet-stream',
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
    cacheControl,
  };
}

export class Dashboard {
  private constructor(
    private readonly files: Map<string, StaticFile>,
    readonly index: StaticFile,
    readonly built: boolean,
  ) {}

  /** Loads every file under dir (the renderer build); a missing build serves a page saying so. */
  static load(dir: string | null): Dashboard {
    const files = new Map<string, StaticFile>();
    if (!dir || !fs.existsSync(path.join(dir, 'index.html'))) {
      const index = file('index.html', Buffer.from(NOT_BUILT), REVALIDATE);
      return new Dashboard(files, index, false);
    }
    const walk = (rel: string) => {
      for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
        const relPath = rel ? `${rel}/${entry.name}` : entry.name;
        if (entry.isDirectory()) walk(relPath);
        else if (entry.isFile()) files.set(`/${relPath}`, file(entry.name, fs.readFileSync(path.join(dir, relPath)), HASHED.test(entry.name) ? IMMUTABLE : REVALIDATE));
      }
    };
    walk('');
    return new Dashboard(files, files.get('/index.html')!, true);
  }

  /** The file at a URL path, or undefined. */
  get(urlPath: string): StaticFile | undefined {
    if (urlPath === '/') return this.index;
    return this.files.get(urlPath);
  }

  /** Deep links of the single-page app (no file extension) get index.html; missing files do not. */
  static isAppRoute(urlPath: string): boolean {
    return path.posix.extname(urlPath) === '';
  }
}

/** The first renderer build that exists: next to the built CLI (out/main -> out/renderer), or from the repository root. */
export function defaultRendererDir(): string | null {
  // out/main/cli.js, or a shared chunk under out/main/chunks/ once the Electron main and the CLI share code.
  const candidates = [path.resolve(__dirname, '../renderer'), path.resolve(__dirname, '../../renderer'), path.resolve(__dirname, '../../out/renderer')];
  return candidates.find((d) => fs.existsSync(path.join(d, 'index.html'))) ?? null;
}
