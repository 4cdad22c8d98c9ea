// @vitest-environment node
// The served transport against a real HTTP + WebSocket server on a free port.
import Fastify, { type FastifyInstance } from 'fastify';
import { WebSocket, WebSocketServer } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionState } from '../../../shared/client';
import type { DeskEvent } from '../../../shared/events';
import { alert, snapshot } from '../testing/fixtures';
import { HttpWsClient, type SocketLike } from './http-ws-client';

const TOKEN = 'good-token';

interface TestServer {
  app: FastifyInstance;
  wss: WebSocketServer;
  base: string;
  port: number;
  sockets: WebSocket[];
  received: unknown[];
  requests: { method: string; url: string; auth?: string; body: unknown }[];
  close(): Promise<void>;
}

async function startServer(port = 0): Promise<TestServer> {
  const app = Fastify();
  const requests: TestServer['requests'] = [];
  app.addHook('onRequest', async (req, reply) => {
    requests.push({ method: req.method, url: req.url, auth: req.headers.authorization, body: undefined });
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return reply.code(401).send({ error: { code: 'unauthorized', message: 'a valid token is required' } });
  });
  app.get('/api/portfolios', async () => [{ id: 'p1', name: 'P1', nav: 1, currency: 'USD', positions: 1, stale: false }]);
  app.post('/api/risk/alerts/:id/acknowledge', async (req) => {
    requests[requests.length - 1].body = req.body;
    return alert({ id: Number((req.params as { id: string }).id), status: 'ACKNOWLEDGED' });
  });
  app.post('/api/risk/thresholds', async (_req, reply) =>
    reply.code(400).send({ error: { code: 'bad_request', message: 'invalid input: threshold_value: Expected number', issues: [{ field: 'threshold_value', reason: 'Expected number' }] } }),
  );
  await app.listen({ host: '127.0.0.1', port });
  const wss = new WebSocketServer({ noServer: true });
  const sockets: WebSocket[] = [];
  const received: unknown[] = [];
  app.server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/ws/risk' || url.searchParams.get('token') !== TOKEN) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.push(ws);
      ws.on('message', (m) => received.push(JSON.parse(String(m))));
    });
  });
  const addr = app.server.address() as { port: number };
  return {
    app,
    wss,
    port: addr.port,
    base: `http://127.0.0.1:${addr.port}`,
    sockets,
    received,
    requests,
    close: async () => {
      for (const s of wss.clients) s.terminate();
      wss.close();
      await app.close();
    },
  };
}

const socket = (url: string) => new WebSocket(url) as unknown as SocketLike;
const fastBackoff = { initialMs: 20, maxMs: 100, factor: 2 };

let server: TestServer | null = null;
let client: HttpWsClient | null = null;
afterEach(async () => {
  client?.close();
  client = null;
  await server?.close();
  server = null;
});

function track(c: HttpWsClient): { states: ConnectionState[]; events: DeskEvent[] } {
  const states: ConnectionState[] = [];
  const events: DeskEvent[] = [];
  c.onConnection((s) => states.push(s));
  c.onEvent((e) => events.push(e));
  return { states, events };
}

describe('HttpWsClient', () => {
  it('calls endpoints by the table with the bearer token, and returns the parsed body', async () => {
    server = await startServer();
    client = new HttpWsClient({ baseUrl: server.base, token: TOKEN, socket, backoff: fastBackoff });
    expect(await client.call('portfolios.list', {})).toEqual([expect.objectContaining({ id: 'p1' })]);
    const acked = await client.call('alerts.acknowledge', { id: 42, comment: 'on it' });
    expect(acked).toMatchObject({ id: 42, status: 'ACKNOWLEDGED' });
    const ack = server.requests.find((r) => r.method === 'POST')!;
    expect(ack).toMatchObject({ url: '/api/risk/alerts/42/acknowledge', auth: `Bearer ${TOKEN}`, body: { comment: 'on it' } });
  });

  it('rejects with the server error, field by field', async () => {
    server = await startServer();
    client = new HttpWsClient({ baseUrl: server.base, token: TOKEN, socket, backoff: fastBackoff });
    await expect(
      client.call('thresholds.create', { portfolio_id: '*', metric_type: 'var_95', threshold_value: -0.05, comparison_type: 'less_than', severity: 'HIGH' }),
    ).rejects.toMatchObject({ name: 'DeskClientError', code: 'bad_request', status: 400, issues: [{ field: 'threshold_value', reason: 'Expected number' }] });
  });

  it('names the endpoint when the server cannot be reached', async () => {
    client = new HttpWsClient({ baseUrl: 'http://127.0.0.1:1', token: TOKEN, socket, backoff: { initialMs: 10_000, maxMs: 10_000, factor: 1 } });
    await expect(client.call('health', {})).rejects.toMatchObject({ code: 'network', status: 0, message: expect.stringContaining('health') });
  });

  it('opens the socket, subscribes, and delivers valid events while dropping and counting bad ones', async () => {
    server = await startServer();
    client = new HttpWsClient({ baseUrl: server.base, token: TOKEN, socket, backoff: fastBackoff });
    const { states, events } = track(client);
    client.subscribe(['*']);
    await expect.poll(() => server!.received).toEqual([{ type: 'subscribe', portfolio_ids: ['*'] }]);
    expect(states).toEqual(['connecting', 'open']);
    const ws = server.sockets[0];
    const snap = snapshot('p1');
    ws.send(JSON.stringify({ type: 'risk_metrics_update', timestamp: snap.timestamp, portfolio_id: 'p1', metrics: snap }));
    ws.send('{not json');
    ws.send(JSON.stringify({ type: 'risk_metrics_update', timestamp: 'x', portfolio_id: 'p1', metrics: { var_95: 'high' } }));
    ws.send(JSON.stringify({ type: 'pong' }));
    ws.send(JSON.stringify({ type: 'new_alert', timestamp: snap.timestamp, alert: alert({ id: 5 }) }));
    await expect.poll(() => events.map((e) => e.type)).toEqual(['risk_metrics_update', 'new_alert']);
    expect(client.stats.dropped).toEqual({ malformed_json: 1, invalid_risk_metrics_update: 1 });
  });

  it('reconnects with backoff after the server goes away and resubscribes', async () => {
    server = await startServer();
    const port = server.port;
    client = new HttpWsClient({ baseUrl: server.base, token: TOKEN, socket, backoff: fastBackoff });
    const { states } = track(client);
    client.subscribe(['*']);
    await expect.poll(() => server!.received.length).toBe(1);
    await server.close();
    await expect.poll(() => states.at(-1)).toBe('reconnecting');
    server = await startServer(port);
    await expect.poll(() => states.at(-1), { timeout: 5000 }).toBe('open');
    await expect.poll(() => server!.received).toEqual([{ type: 'subscribe', portfolio_ids: ['*'] }]);
    expect(client.stats.reconnects).toBeGreaterThan(0);
  });

  it('stops retrying and reports unauthorized when the token is refused', async () => {
    server = await startServer();
    client = new HttpWsClient({ baseUrl: server.base, token: 'bad', socket, backoff: fastBackoff });
    const { states } = track(client);
    await expect.poll(() => states.at(-1)).toBe('unauthorized');
    const attempts = server.requests.length;
    await new Promise((r) => setTimeout(r, 150));
    expect(server.requests.length).toBe(attempts);
  });

  it('replaces a socket that has gone silent', async () => {
    server = await startServer();
    client = new HttpWsClient({ baseUrl: server.base, token: TOKEN, socket, backoff: fastBackoff, silenceMs: 200 });
    const { states } = track(client);
    client.subscribe(['*']);
    await expect.poll(() => server!.sockets.length).toBe(1);
    // The server never answers the pings: the client must give up on the socket and open another.
    await expect.poll(() => server!.sockets.length, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
    expect(server.received).toContainEqual({ type: 'ping' });
    expect(states).toContain('reconnecting');
  });
});
