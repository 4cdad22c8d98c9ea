// Test helpers for the server: a real desk on a temporary SQLite file, a real server on a free
// port, tokens for each role, and a WebSocket client that waits for the message it expects.
import { WebSocket } from 'ws';
import type { Role } from '../../shared/domain';
import { Desk } from '../core/desk';
import type { Clock, Logger } from '../core/ports';
import { tempDir } from '../core/testing';
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

export async function startTestDesk(opts: Partial<Omit<ServerOptions, 'auth'>> & { clock?: Clock; logger?: Logger } = {}): Promise<TestDesk> {
  const tmp = tempDir('risk-desk-server-');
  const desk = Desk.open({ dbFile: `${tmp.dir}/desk.db`, clock: opts.clock, logger: opts.logger });
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
