// The headless desk server: HTTP (REST API + the built dashboard) for `risk-desk serve`.
import Fastify, { type FastifyInstance } from 'fastify';
import type { Desk } from '../core/desk';
import { APP_VERSION } from '../core/version';

export interface ServerOptions {
  host: string;
  port: number;
}

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

function statusPage(desk: Desk): string {
  const portfolios = desk.store.book.listPortfolios();
  const rows = portfolios
    .map((p) => `<tr><td>${escapeHtml(p.id)}</td><td>${escapeHtml(p.name)}</td><td style="text-align:right">${p.nav?.toLocaleString('en-US') ?? 'derived'}</td></tr>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Risk Desk</title>
<style>body{font:14px system-ui;background:#0f1419;color:#d8dee9;margin:2rem}td,th{padding:4px 12px;border-bottom:1px solid #2b3440}</style></head>
<body><h1>Risk Desk ${APP_VERSION}</h1><p>The engine is running. ${portfolios.length} portfolios loaded.</p>
<table><thead><tr><th>id</th><th>name</th><th>NAV</th></tr></thead><tbody>${rows}</tbody></table></body></html>`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export async function startServer(desk: Desk, opts: ServerOptions): Promise<RunningServer> {
  const app = Fastify({ logger: false, bodyLimit: 1 << 20 });
  app.get('/api/health', async () => ({
    status: 'ok',
    version: APP_VERSION,
    uptime_seconds: Math.round((desk.clock.now() - desk.startedAt) / 1000),
  }));
  app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(statusPage(desk)));
  await app.listen({ host: opts.host, port: opts.port });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return { app, url: `http://${host}:${port}`, close: () => app.close() };
}
