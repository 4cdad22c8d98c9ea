// Test helpers for the server: a real desk on a temporary SQLite file, a real server on a free
// port, tokens for each role, and a WebSocket client that waits for the message it expects.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { WebSocket } from 'ws';
import type { Alert, Role } from '../../shared/domain';
import { type RiskSnapshot, SCALAR_METRICS } from '../../shared/metrics';
import { openAlertValues } from '../core/alerts/open-alert';
import { Desk, type DeskOptions } from '../core/desk';
import type { Clock, Logger } from '../core/ports';
import { tempDir } from '../core/testing';

export { RecordingLogger } from '../core/testing';
import { TokenAuthority } from './auth';
import { type RunningServer, type ServerOptions, startServer } from './server';

export const TEST_SECRET = 'test-secret-0123456789abcdef-0123456789abcdef';

export interface TestDesk {
  desk: Desk;
  server: RunningServer;
  auth: TokenAuthority;
  url: string;
  wsUrl: string;
  token(role: Role, sub?: string, expiresInSeconds?: number): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A desk and its server. The live loop stays off unless `live` (then the simulated feed runs, at
 * `feed.ticksPerSecond`): tests that count pushed events drive the EventBus themselves.
 */
export async function startTestDesk(
  opts: Partial<Omit<ServerOptions, 'auth'>> & { clock?: Clock; logger?: Logger; live?: boolean; feed?: DeskOptions['feed'] } = {},
): Promise<TestDesk> {
  const tmp = tempDir('risk-desk-server-');
  const desk = Desk.open({ dbFile: `${tmp.dir}/desk.db`, clock: opts.clock, logger: opts.logger, live: opts.live ?? false, feed: opts.feed });
  const auth = TokenAuthority.fromSecret(TEST_SECRET, desk.clock);
  let server: RunningServer;
  try {
    server = await startServer(desk, { host: '127.0.0.1', port: 0, rendererDir: null, ...opts, auth });
  } catch (err) {
    await desk.close();
    tmp.cleanup();
    throw err;
  }
  return {
    desk,
    server,
    auth,
    url: server.url,
    wsUrl: server.url.replace(/^http/, 'ws') + '/ws/risk',
    token: (role, sub = `${role}-user`, expiresInSeconds = 3600) => auth.sign({ sub, role, expiresInSeconds }),
    stop: async () => {
      await server.close();
      await desk.close();
      tmp.cleanup();
    },
  };
}

type Json = Record<string, unknown> & { type?: string };

/** A real `ws` client that keeps every message it receives until a test takes it. */
export class TestSocket {
  readonly received: Json[] = [];
  private waiters: { pred: (m: Json) => boolean; resolve: (m: Json) => void }[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as Json;
      const i = this.waiters.findIndex((w) => w.pred(msg));
      if (i >= 0) this.waiters.splice(i, 1)[0].resolve(msg);
      else this.received.push(msg);
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static open(url: string, token?: string, headers: Record<string, string> = {}): Promise<TestSocket> {
    const ws = new WebSocket(token ? `${url}?token=${encodeURIComponent(token)}` : url, { headers });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new TestSocket(ws)));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (b) => (body += b));
        res.on('end', () => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode, body: JSON.parse(body || 'null') })));
      });
    });
  }

  /** The upgrade's refusal (status and error body); fails if the upgrade succeeds. */
  static async refused(url: string, token?: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
    try {
      const s = await TestSocket.open(url, token, headers);
      s.ws.terminate();
    } catch (err) {
      const e = err as { status?: number; body?: unknown };
      if (e.status !== undefined) return { status: e.status, body: e.body };
      throw err;
    }
    throw new Error('the upgrade was accepted');
  }

  send(msg: unknown): void {
    this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }

  /** The first message (already received or still to come) that matches. */
  next(pred: (m: Json) => boolean = () => true, timeoutMs = 5000): Promise<Json> {
    const i = this.received.findIndex(pred);
    if (i >= 0) return Promise.resolve(this.received.splice(i, 1)[0]);
    return new Promise((resolve, reject) => {
      const waiter = { pred, resolve: (m: Json) => (clearTimeout(timer), resolve(m)) };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no matching message within ${timeoutMs} ms; received: ${JSON.stringify(this.received.slice(-5))}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Sends a request and waits for the reply carrying its id. */
  request(msg: Json & { id: string }): Promise<Json> {
    this.send(msg);
    return this.next((m) => m.id === msg.id);
  }

  close(): Promise<{ code: number; reason: string }> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close();
    return this.closed;
  }
}

/** Plausible figures inside the demo book's default limits (so the alert engine stays quiet). */
const CALM: Record<(typeof SCALAR_METRICS)[number], number> = {
  var_95: -0.012,
  var_99: -0.021,
  cvar_95: -0.017,
  cvar_99: -0.026,
  parametric_var_95: -0.013,
  parametric_var_99: -0.019,
  cornish_fisher_var_95: -0.014,
  cornish_fisher_var_99: -0.022,
  var_95_amount: -120_000,
  var_99_amount: -210_000,
  cvar_95_amount: -170_000,
  cvar_99_amount: -260_000,
  parametric_var_95_amount: -130_000,
  parametric_var_99_amount: -190_000,
  volatility: 0.18,
  ewma_volatility: 0.17,
  max_drawdown: -0.08,
  sharpe_ratio: 1.1,
  sortino_ratio: 1.6,
  calmar_ratio: 0.9,
  gross_exposure: 11_000_000,
  net_exposure: 9_500_000,
  leverage_ratio: 1.1,
  nav: 10_000_000,
};

/** A RiskSnapshot with every metric set: calm figures, varied slightly by `seed`, with `overrides` on top. */
export function sampleSnapshot(portfolioId: string, at = new Date().toISOString(), seed = 1, overrides: Partial<RiskSnapshot> = {}): RiskSnapshot {
  const wobble = 1 + (seed % 97) / 10_000;
  const scalars = Object.fromEntries(SCALAR_METRICS.map((m) => [m, CALM[m] * wobble])) as Record<(typeof SCALAR_METRICS)[number], number>;
  return {
    ...scalars,
    concentration_risk: { max_position: 0.2, hhi: 0.12, effective_positions: 8.3, top5: 0.6 },
    portfolio_id: portfolioId,
    as_of: at.slice(0, 10),
    observations: 252,
    timestamp: at,
    null_reasons: {},
    stale: false,
    ...overrides,
  };
}

/** An Alert as the alert engine emits it. */
export function sampleAlert(id: number, portfolioId = 'tech_growth', at = new Date().toISOString()): Alert {
  const threshold = { id: 1, metric_type: 'var_95', severity: 'HIGH', comparison_type: 'less_than', threshold_value: -0.03, description: 'One-day 95% VaR beyond 3% of NAV' } as const;
  return { id, ...openAlertValues({ portfolioId, threshold, value: -0.045, at }) };
}

/**
 * A WebSocket client written by hand over a raw TCP socket, so a test can make it misbehave the
 * way real peers do: stop reading (socket paused) or never answer pings.
 */
export class RawWsPeer {
  private constructor(readonly socket: net.Socket) {}

  static async connect(url: string, token: string): Promise<RawWsPeer> {
    const u = new URL(url);
    const socket = net.connect(Number(u.port), u.hostname);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.write(
      `GET ${u.pathname}?token=${encodeURIComponent(token)} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    const head = await new Promise<string>((resolve, reject) => {
      let buf = '';
      const onData = (b: Buffer) => {
        buf += b.toString('latin1');
        const end = buf.indexOf('\r\n\r\n');
        if (end >= 0) {
          socket.off('data', onData);
          resolve(buf.slice(0, end));
        }
      };
      socket.on('data', onData);
      socket.once('error', reject);
    });
    if (!head.startsWith('HTTP/1.1 101')) throw new Error(`upgrade refused: ${head.split('\r\n')[0]}`);
    return new RawWsPeer(socket);
  }

  /** Sends one masked text frame (clients must mask). */
  sendText(text: string): void {
    const payload = Buffer.from(text);
    const mask = randomBytes(4);
    const len = payload.length;
    const header = len < 126 ? Buffer.from([0x81, 0x80 | len]) : Buffer.from([0x81, 0x80 | 126, len >> 8, len & 255]);
    const masked = Buffer.alloc(len);
    for (let i = 0; i < len; i++) masked[i] = payload[i] ^ mask[i & 3];
    this.socket.write(Buffer.concat([header, mask, masked]));
  }

  /** Stops reading: the kernel buffers fill and the server sees backpressure, and pings go unanswered. */
  stopReading(): void {
    this.socket.pause();
  }

  get closed(): boolean {
    return this.socket.destroyed || this.socket.readableEnded;
  }

  destroy(): void {
    this.socket.destroy();
  }
}
