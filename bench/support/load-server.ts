// A small load-generating desk server for the dashboard bench: the contract's REST endpoints the
// dashboard reads at load, and /ws/risk pushing a risk_metrics_update for every portfolio once a
// second (all in one burst, as a refresh cycle does), a cycle event, and now and then an alert.
// It serves a built dashboard from `staticDir`. Not the engine: figures are random walks.
import fs from 'node:fs';
import path from 'node:path';
import Fastify from 'fastify';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Alert, Threshold } from '../../shared/domain';
import type { DeskEvent } from '../../shared/events';
import { type MetricPath, readMetric, type RiskSnapshot, SCALAR_METRICS } from '../../shared/metrics';

export interface LoadServerOptions {
  portfolios: number;
  staticDir: string;
  /** Push interval (ms). */
  everyMs?: number;
  seed?: number;
}

export interface LoadServer {
  url: string;
  pushed(): number;
  close(): Promise<void>;
}

function mulberry32(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MIME: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png' };

export async function startLoadServer(opts: LoadServerOptions): Promise<LoadServer> {
  const rand = mulberry32(opts.seed ?? 7);
  const ids = Array.from({ length: opts.portfolios }, (_, i) => `pf_${String(i + 1).padStart(3, '0')}`);
  const portfolios = ids.map((id, i) => ({ id, name: `Portfolio ${String(i + 1).padStart(3, '0')}`, nav: 5e6 + Math.round(rand() * 95e6), currency: 'USD', positions: 10 + Math.floor(rand() * 40), stale: false }));
  const now = () => new Date().toISOString();
  const t0 = now();
  const thresholds: Threshold[] = [
    ['var_95', -0.03, 'less_than', 'HIGH'],
    ['var_99', -0.045, 'less_than', 'CRITICAL'],
    ['cvar_95', -0.04, 'less_than', 'HIGH'],
    ['max_drawdown', -0.2, 'less_than', 'MEDIUM'],
    ['volatility', 0.3, 'greater_than', 'MEDIUM'],
    ['leverage_ratio', 3, 'greater_than', 'HIGH'],
    ['concentration_risk.max_position', 0.25, 'greater_than', 'MEDIUM'],
    ['sharpe_ratio', 0, 'less_than', 'LOW'],
  ].map(([metric, value, cmp, sev], i) => ({
    id: i + 1,
    portfolio_id: '*',
    metric_type: metric as Threshold['metric_type'],
    threshold_value: value as number,
    comparison_type: cmp as Threshold['comparison_type'],
    severity: sev as Threshold['severity'],
    description: '',
    enabled: true,
    pending_seconds: 0,
    clear_value: null,
    recovery_seconds: 0,
    warn_utilisation_pct: 80,
    created_at: t0,
    updated_at: t0,
  }));
  const level = new Map(ids.map((id) => [id, 0.5 + rand() * 0.6]));
  const snapshots = new Map<string, RiskSnapshot>();
  const snap = (id: string): RiskSnapshot => {
    const l = Math.max(0.2, Math.min(1.4, level.get(id)! + (rand() - 0.5) * 0.04));
    level.set(id, l);
    const base = Object.fromEntries(SCALAR_METRICS.map((m) => [m, 0])) as Record<(typeof SCALAR_METRICS)[number], number>;
    const nav = portfolios.find((p) => p.id === id)!.nav;
    const s: RiskSnapshot = {
      ...base,
      var_95: -0.025 * l,
      var_99: -0.038 * l,
      cvar_95: -0.033 * l,
      cvar_99: -0.05 * l,
      volatility: 0.22 * l,
      ewma_volatility: 0.2 * l,
      max_drawdown: -0.15 * l,
      sharpe_ratio: 1.5 - l,
      sortino_ratio: 2 - l,
      calmar_ratio: 1.2 - l * 0.5,
      leverage_ratio: 1 + l * 2,
      nav,
      gross_exposure: nav * (1 + l * 2),
      net_exposure: nav,
      var_95_amount: -0.025 * l * nav,
      var_99_amount: -0.038 * l * nav,
      concentration_risk: { max_position: 0.1 + 0.15 * l, hhi: 0.05 + 0.05 * l, effective_positions: 12, top5: 0.4 },
      portfolio_id: id,
      as_of: t0.slice(0, 10),
      observations: 252,
      timestamp: now(),
      null_reasons: {},
      stale: false,
    };
    snapshots.set(id, s);
    return s;
  };
  for (const id of ids) snap(id);
  const alerts: Alert[] = [];
  let alertSeq = 1;

  const app = Fastify({ logger: false });
  app.get('/api/health', async () => ({ status: 'ok', version: 'load-server', uptime_seconds: 1, feed: { kind: 'simulated', source: 'simulated', state: 'live', last_message_at: now(), ticks_total: 0, dropped: {} }, last_cycle_at: now() }));
  app.get('/api/portfolios', async () => portfolios);
  app.get('/api/risk/latest', async () => [...snapshots.values()]);
  app.get('/api/portfolios/:id/metrics', async (req, reply) => snapshots.get((req.params as { id: string }).id) ?? reply.code(404).send({ error: { code: 'not_found', message: 'no snapshot' } }));
  // A day of history at one point per 30 s (2,880 points per metric), as a busy desk stores it.
  app.get('/api/portfolios/:id/history', async (req) => {
    const { id } = req.params as { id: string };
    const { metric } = req.query as { metric: string };
    const now = Date.now();
    const base = readMetric(snapshots.get(id) ?? snap(id), metric as MetricPath) ?? 0;
    const points = Array.from({ length: 2880 }, (_, i) => ({ ts: new Date(now - (2880 - i) * 30_000).toISOString(), value: base * (1 + 0.05 * Math.sin(i / 97)), stale: false, resolution: 'raw' }));
    return { portfolio_id: id, metric, points };
  });
  // Thirty holdings with component VaR and a full correlation matrix.
  app.get('/api/portfolios/:id/detail', async (req) => {
    const { id } = req.params as { id: string };
    const s = snapshots.get(id) ?? snap(id);
    const symbols = Array.from({ length: 30 }, (_, i) => `S${String(i).padStart(2, '0')}`);
    const { portfolio_id: _p, as_of, observations, timestamp: _t, null_reasons, stale: _s, ...metrics } = s;
    return {
      portfolio_id: id,
      as_of,
      observations,
      metrics,
      null_reasons,
      positions: symbols.map((symbol, i) => {
        const weight = (30 - i) / 465;
        const cv = (s.var_95 ?? 0) * weight;
        return { symbol, quantity: 1000, multiplier: 1, price: 100, market_value: weight * (s.nav ?? 0), weight, component_var: { historical_95: cv, historical_99: cv, parametric_95: cv, parametric_99: cv } };
      }),
      correlation: { symbols, matrix: symbols.map((_, i) => symbols.map((__, j) => (i === j ? 1 : 0.3 + 0.4 * Math.cos(i - j)))) },
      backtest: { var_95: { confidence: 0.95, days: 252, exceptions: 13, expected: 12.6, lr_statistic: 0.01, p_value: 0.9, passed: true }, var_99: null },
      detail_null_reasons: {},
    };
  });
  app.get('/api/risk/thresholds', async () => thresholds);
  app.get('/api/risk/alerts', async (req) => {
    const q = req.query as { status?: string };
    return { items: alerts.filter((a) => !q.status || a.status === q.status).slice().reverse(), next_cursor: null };
  });
  app.get('/*', async (req, reply) => {
    const rel = decodeURIComponent(req.url.split('?')[0]).replace(/^\/+/, '') || 'index.html';
    const file = path.join(opts.staticDir, path.normalize(rel));
    if (!file.startsWith(opts.staticDir) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) return reply.code(404).send('not found');
    return reply.type(MIME[path.extname(file)] ?? 'application/octet-stream').send(fs.readFileSync(file));
  });
  await app.listen({ host: '127.0.0.1', port: 0 });

  const wss = new WebSocketServer({ noServer: true });
  const subscribers = new Set<WebSocket>();
  app.server.on('upgrade', (req, socket, head) => {
    if (!req.url?.startsWith('/ws/risk')) return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('message', (m) => {
        const msg = JSON.parse(String(m)) as { type: string };
        if (msg.type === 'subscribe') subscribers.add(ws);
        if (msg.type === 'ping') ws.send(JSON.stringify({ type: 'pong' }));
      });
      ws.on('close', () => subscribers.delete(ws));
    });
  });

  let pushed = 0;
  const send = (e: DeskEvent) => {
    const data = JSON.stringify(e);
    for (const ws of subscribers) ws.send(data);
    pushed++;
  };
  const timer = setInterval(() => {
    const started = Date.now();
    for (const id of ids) {
      const s = snap(id);
      send({ type: 'risk_metrics_update', timestamp: s.timestamp, portfolio_id: id, metrics: s });
    }
    if (rand() < 0.2) {
      const id = ids[Math.floor(rand() * ids.length)];
      const a: Alert = {
        id: alertSeq++,
        portfolio_id: id,
        threshold_id: 1,
        metric_type: 'var_95',
        severity: 'HIGH',
        status: 'TRIGGERED',
        comparison_type: 'less_than',
        current_value: snapshots.get(id)!.var_95,
        threshold_value: -0.03,
        worst_value: snapshots.get(id)!.var_95,
        breach_count: 1,
        description: 'VaR 95% below limit',
        flapping: false,
        previous_alert_id: null,
        triggered_at: now(),
        updated_at: now(),
        acknowledged_at: null,
        acknowledged_by: null,
        resolved_at: null,
        resolved_by: null,
        resolution: null,
      };
      alerts.push(a);
      send({ type: 'new_alert', timestamp: a.triggered_at, alert: a });
    }
    send({ type: 'system', timestamp: now(), level: 'info', message: 'cycle done', cycle: { duration_ms: Date.now() - started, portfolios: ids.length } });
  }, opts.everyMs ?? 1000);

  return {
    url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`,
    pushed: () => pushed,
    close: async () => {
      clearInterval(timer);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      await app.close();
    },
  };
}
