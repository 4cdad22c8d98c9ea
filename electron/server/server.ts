// The headless desk server (`risk-desk serve`): the REST API generated from the endpoint table,
// /api/openapi.json, /metrics, the /ws/risk WebSocket on the same HTTP server, and the built
// dashboard with a strict CSP. Every error, whatever produced it, has the one ErrorBody shape.
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { api, type CallContext, type Endpoint, type EndpointName } from '../../shared/api';
import { SEVERITIES } from '../../shared/domain';
import { FEED_STATES } from '../../shared/events';
import { NOTIFICATION_STATUSES } from '../../shared/notify';
import { dispatch, errorBody } from '../core/api/dispatch';
import { createHandlers } from '../core/api/handlers';
import type { Desk } from '../core/desk';
import { type Logger, silentLogger } from '../core/ports';
import { APP_VERSION } from '../core/version';
import { AuthError, AuthFailureLimiter, bearerToken, type TokenAuthority } from './auth';
import { Dashboard, defaultRendererDir, type StaticFile } from './dashboard';
import { DEFAULT_HUB_OPTIONS, Hub, type HubOptions, WS_PATH } from './hub';
import { buildOpenApi, openApiPath } from './openapi';
import { MetricsRegistry } from './prometheus';
import { contentSecurityPolicy, originAllowed, SECURITY_HEADERS } from './security';

export interface ServerOptions {
  host: string;
  port: number;
  auth: TokenAuthority;
  /** Browser origins allowed besides the server's own (CORS and WebSocket). */
  allowOrigins?: ReadonlySet<string>;
  /** The dashboard build to serve; undefined = out/renderer if built; null = none. */
  rendererDir?: string | null;
  hub?: Partial<HubOptions>;
  /** Failed authentications per address before 429, and the window they are counted over. */
  authFailures?: { max: number; windowMs: number };
  logger?: Logger;
  /** Largest JSON request body, bytes. */
  bodyLimit?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  hub: Hub;
  metrics: MetricsRegistry;
  close(): Promise<void>;
}

const STATUS_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  408: 'timeout',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'unavailable',
};

/** Route patterns of the table as regexes, to tell "wrong method" (405) from "no such path" (404). */
const ROUTE_PATTERNS = (Object.values(api) as Endpoint[]).map((ep) => ({
  method: ep.method,
  regex: new RegExp(`^${openApiPath(ep.path).path.replace(/\{\w+\}/g, '[^/]+')}$`),
}));

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export async function startServer(desk: Desk, opts: ServerOptions): Promise<RunningServer> {
  const logger = opts.logger ?? silentLogger;
  const allowOrigins = opts.allowOrigins ?? new Set<string>();
  const limiter = new AuthFailureLimiter(opts.authFailures?.max ?? 20, opts.authFailures?.windowMs ?? 60_000, desk.clock);
  const handlers = createHandlers(desk);
  const hub = new Hub(desk, opts.auth, limiter, allowOrigins, logger.child({ component: 'ws' }), { ...DEFAULT_HUB_OPTIONS, ...opts.hub });
  const dashboard = Dashboard.load(opts.rendererDir === undefined ? defaultRendererDir() : opts.rendererDir);
  const openapi = JSON.stringify(buildOpenApi(APP_VERSION));
  const metrics = new MetricsRegistry();
  const httpRequests = metrics.counter('risk_desk_http_requests_total', 'HTTP requests by route pattern, method and status');
  const authFailures = metrics.counter('risk_desk_auth_failures_total', 'Refused tokens by reason (REST and WebSocket)');
  const disposeMetrics = registerMetrics(metrics, desk, hub);

  const app = Fastify({
    logger: false,
    bodyLimit: opts.bodyLimit ?? 1 << 20,
    // A client that trickles a request in is cut after 30 s rather than holding a socket forever.
    requestTimeout: 30_000,
    routerOptions: { maxParamLength: 256 },
    return503OnClosing: true,
    forceCloseConnections: true,
  });

  // JSON only: a form or plain-text body is a 415, not a string the handlers never expect.
  app.removeContentTypeParser(['text/plain']);

  const fail = (reply: FastifyReply, status: number, code: string, message: string, headers: Record<string, string> = {}) =>
    reply.code(status).headers(headers).type('application/json; charset=utf-8').send(errorBody(code, message));

  /** The caller a request's bearer token names; or the 401/429 reply already sent (returns null). */
  const authenticate = async (req: FastifyRequest, reply: FastifyReply): Promise<CallContext | null> => {
    const retry = limiter.retryAfter(req.ip);
    if (retry > 0) {
      fail(reply, 429, 'rate_limited', `too many failed authentications; retry in ${retry} s`, { 'Retry-After': String(retry) });
      return null;
    }
    try {
      const t = await opts.auth.verify(bearerToken(req.headers.authorization));
      return { actor: t.actor, role: t.role };
    } catch (err) {
      if (!(err instanceof AuthError)) throw err;
      authFailures.inc({ reason: err.reason });
      if (err.reason !== 'missing') limiter.fail(req.ip);
      fail(reply, 401, 'unauthorized', err.message, { 'WWW-Authenticate': err.reason === 'missing' ? 'Bearer' : 'Bearer error="invalid_token"' });
      return null;
    }
  };
  hub.onAuthFailure = (reason) => authFailures.inc({ reason });

  app.addHook('onRequest', async (req, reply) => {
    reply.headers(SECURITY_HEADERS);
    const origin = req.headers.origin;
    if (origin === undefined) return;
    if (!originAllowed(origin, req.headers.host, allowOrigins)) return fail(reply, 403, 'forbidden_origin', `origin ${origin} is not allowed (serve with --allow-origin to allow it)`);
    if (allowOrigins.has(origin)) {
      reply.headers({ 'Access-Control-Allow-Origin': origin, Vary: 'Origin' });
      if (req.method === 'OPTIONS') {
        return reply
          .code(204)
          .headers({ 'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE', 'Access-Control-Allow-Headers': 'Authorization, Content-Type', 'Access-Control-Max-Age': '600' })
          .send();
      }
    }
  });

  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? '(unmatched)';
    httpRequests.inc({ method: req.method, route, status: String(reply.statusCode) });
    // The path only: a query string may carry a token.
    logger.debug({ method: req.method, path: req.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'http');
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) {
      logger.error({ method: req.method, path: req.url.split('?')[0], err }, 'request failed');
      return fail(reply, status, 'internal', 'internal error');
    }
    return fail(reply, status, STATUS_CODES[status] ?? 'bad_request', err.message);
  });

  for (const [name, ep] of Object.entries(api) as [EndpointName, Endpoint][]) {
    app.route({
      method: ep.method,
      url: ep.path,
      handler: async (req, reply) => {
        let ctx: CallContext | null = null;
        if (ep.role !== null) {
          ctx = await authenticate(req, reply);
          if (!ctx) return reply;
        }
        if (req.body !== undefined && req.body !== null && !isObject(req.body)) return fail(reply, 400, 'bad_request', 'the request body must be a JSON object');
        // Path parameters win over body and query fields of the same name.
        const input = { ...(req.query as object), ...((req.body as object | undefined) ?? {}), ...(req.params as object) };
        const r = await dispatch(handlers, name, input, ctx, logger);
        if (!r.ok) return reply.code(r.status).type('application/json; charset=utf-8').send(r.body);
        return reply.code(200).type('application/json; charset=utf-8').send(JSON.stringify(r.value));
      },
    });
  }

  app.get('/api/openapi.json', async (_req, reply) => reply.type('application/json; charset=utf-8').header('Cache-Control', 'no-cache').send(openapi));

  app.get('/metrics', async (req, reply) => {
    const ctx = await authenticate(req, reply);
    if (!ctx) return reply;
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(metrics.render());
  });

  app.setNotFoundHandler(async (req, reply) => {
    const path = req.url.split('?')[0];
    if (path.startsWith('/api/') || path === '/api' || path === WS_PATH || path === '/metrics') {
      const methods = [...new Set(ROUTE_PATTERNS.filter((r) => r.regex.test(path)).map((r) => r.method))];
      if (methods.length) return fail(reply, 405, 'method_not_allowed', `${req.method} is not allowed on ${path}; use ${methods.join(', ')}`, { Allow: methods.join(', ') });
      return fail(reply, 404, 'not_found', `no endpoint at ${req.method} ${path} (see /api/openapi.json)`);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(reply, 404, 'not_found', `no endpoint at ${req.method} ${path}`);
    const file = dashboard.get(path) ?? (Dashboard.isAppRoute(path) ? dashboard.index : undefined);
    if (!file) return fail(reply, 404, 'not_found', `no file at ${path}`);
    return sendFile(req, reply, file);
  });

  app.server.on('upgrade', (req, socket, head) => {
    hub.handleUpgrade(req, socket, head).catch((err) => {
      logger.error({ err }, 'websocket upgrade failed');
      socket.destroy();
    });
  });

  await app.listen({ host: opts.host, port: opts.port });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${host}:${port}`,
    port,
    hub,
    metrics,
    close: async () => {
      await hub.close();
      await app.close();
      disposeMetrics();
    },
  };
}

function sendFile(req: FastifyRequest, reply: FastifyReply, file: StaticFile) {
  reply.headers({ 'Cache-Control': file.cacheControl, ETag: file.etag, 'Content-Type': file.type, Vary: 'Accept-Encoding' });
  if (file.type.startsWith('text/html')) reply.header('Content-Security-Policy', contentSecurityPolicy(req.headers.host));
  if (req.headers['if-none-match'] === file.etag) return reply.code(304).send();
  if (file.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) return reply.header('Content-Encoding', 'gzip').send(file.gzip);
  return reply.send(file.body);
}

/** Server-side figures for /metrics; the engine's own figures join as their parts land. */
function registerMetrics(metrics: MetricsRegistry, desk: Desk, hub: Hub): () => void {
  metrics.collect('risk_desk_build_info', 'Version of the running desk', 'gauge', () => [{ labels: { version: APP_VERSION }, value: 1 }]);
  metrics.collect('risk_desk_uptime_seconds', 'Seconds since the desk started', 'gauge', () => Math.round((desk.clock.now() - desk.startedAt) / 1000));
  const cycles = metrics.histogram('risk_desk_cycle_duration_seconds', 'Duration of a full refresh cycle', [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]);
  let lastCycle = 0;
  const offCycle = desk.events.on('cycle', (c) => {
    cycles.observe(c.durationMs / 1000);
    lastCycle = Date.parse(c.at) / 1000;
  });
  metrics.collect('risk_desk_last_cycle_timestamp_seconds', 'When the last refresh cycle finished (0 = none yet)', 'gauge', () => lastCycle);
  const feed = () => desk.monitor.feedStatus();
  metrics.collect('risk_desk_feed_ticks_total', 'Market-data ticks applied (tick rate: rate() of this)', 'counter', () => feed().ticks_total);
  metrics.collect('risk_desk_feed_dropped_messages_total', 'Feed messages dropped, by reason', 'counter', () => Object.entries(feed().dropped).map(([reason, value]) => ({ labels: { reason }, value })));
  metrics.collect('risk_desk_feed_state', 'The feed state (1 for the current one)', 'gauge', () => {
    const f = feed();
    return FEED_STATES.map((state) => ({ labels: { kind: f.kind, state }, value: f.state === state ? 1 : 0 }));
  });
  metrics.collect('risk_desk_feed_last_message_timestamp_seconds', 'When the feed last delivered a message (0 = never)', 'gauge', () => {
    const at = feed().last_message_at;
    return at ? Date.parse(at) / 1000 : 0;
  });
  metrics.collect('risk_desk_recomputes_total', 'Portfolio risk recomputations (ticks and cycles)', 'counter', () => desk.monitor.recomputeCount());
  metrics.collect('risk_desk_alerts_open', 'Open alerts (TRIGGERED or ACKNOWLEDGED) by severity', 'gauge', () => {
    const open = desk.alerts.openAlerts();
    return SEVERITIES.map((severity) => ({ labels: { severity }, value: open.filter((a) => a.severity === severity).length }));
  });
  const engine = desk.alerts.counters;
  metrics.collect('risk_desk_alert_transitions_total', 'Alert lifecycle transitions', 'counter', () => engine.transitions);
  metrics.collect('risk_desk_alert_evaluation_errors_total', 'Alert evaluations that failed and were rolled back', 'counter', () => engine.errors);
  metrics.collect('risk_desk_alert_hook_errors_total', 'Alert transition hooks (notifications, escalation) that threw', 'counter', () => engine.hook_errors);
  metrics.collect('risk_desk_alert_skipped_updates_total', 'Metric updates the alert engine skipped, by reason', 'counter', () => [
    { labels: { reason: 'stale' }, value: engine.stale },
    { labels: { reason: 'bad_value' }, value: engine.bad_values },
    { labels: { reason: 'bad_snapshot' }, value: engine.bad_snapshots },
  ]);
  metrics.collect('risk_desk_notify_outbox_depth', 'Notifications waiting to go out (queued or being sent)', 'gauge', () => {
    const by = desk.store.notifications.countByStatus();
    return (by.queued ?? 0) + (by.sending ?? 0);
  });
  metrics.collect('risk_desk_notify_notifications', 'Notifications in the outbox by status (sent, failed, expired, ...)', 'gauge', () => {
    const by = desk.store.notifications.countByStatus();
    return NOTIFICATION_STATUSES.map((status) => ({ labels: { status }, value: by[status] ?? 0 }));
  });
  const c = hub.counters;
  metrics.collect('risk_desk_ws_clients', 'Connected WebSocket clients', 'gauge', () => hub.clientCount);
  metrics.collect('risk_desk_ws_backlogged_clients', 'WebSocket clients whose metric updates are being coalesced', 'gauge', () => hub.backloggedCount);
  metrics.collect('risk_desk_ws_connections_total', 'WebSocket connections accepted', 'counter', () => c.connected_total);
  metrics.collect('risk_desk_ws_rejected_upgrades_total', 'WebSocket upgrades refused, by error code', 'counter', () => Object.entries(c.rejected).map(([code, value]) => ({ labels: { code }, value })));
  metrics.collect('risk_desk_ws_dropped_clients_total', 'WebSocket clients the server disconnected, by reason', 'counter', () =>
    Object.entries(c.dropped_clients).map(([reason, value]) => ({ labels: { reason }, value })),
  );
  metrics.collect('risk_desk_ws_coalesced_updates_total', 'Metric updates a slow client skipped because a newer snapshot replaced them', 'counter', () => c.coalesced_total);
  metrics.collect('risk_desk_ws_malformed_messages_total', 'Malformed messages received from WebSocket clients', 'counter', () => c.malformed_total);
  metrics.collect('risk_desk_ws_frames_sent_total', 'Event frames sent to WebSocket clients', 'counter', () => c.frames_sent_total);
  metrics.add(hub.fanoutDelay, 'Time from an event reaching the server to the end of the flush that wrote it to every client');
  metrics.collect('risk_desk_ws_flushes_total', 'Batches written to WebSocket clients', 'counter', () => c.flushes_total);
  metrics.collect('risk_desk_ws_flush_seconds_total', 'Time spent writing batches to WebSocket clients', 'counter', () => c.flush_seconds_total);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  metrics.collect('risk_desk_event_loop_delay_p99_seconds', 'p99 event-loop delay since the previous scrape', 'gauge', () => {
    const v = loop.percentile(99) / 1e9;
    loop.reset();
    return v;
  });
  metrics.collect('risk_desk_process_resident_memory_bytes', 'Resident set size', 'gauge', () => process.memoryUsage().rss);
  return () => {
    offCycle();
    loop.disable();
  };
}
