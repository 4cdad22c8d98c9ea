// /ws/risk: pushes the engine's events to WebSocket clients.
//
// Fan-out is built for thousands of clients on one event loop:
// - each event is serialised and framed once: a server-to-client frame is unmasked, so the same
//   bytes go to every recipient;
// - events are batched per flush (at most one flush per `flushIntervalMs` under load, at once when
//   idle) and each client's frames for a flush go out in one socket write (clients subscribed to
//   everything share one concatenated buffer per flush). A flush costs one write per client, so
//   the next flush starts no sooner than twice the CPU time the last one took after it started:
//   writing to clients takes at most half the server's CPU, and with thousands of clients the
//   server batches more per write instead (CPU time, not wall time, so a machine busy with
//   other work does not stretch the gap);
// - backpressure is per connection: while a client's unsent bytes exceed the soft limit, its
//   risk_metrics_update frames are coalesced (the latest snapshot per portfolio waits; older ones
//   are dropped and counted) instead of queued. Other events are never coalesced; a client whose
//   unsent bytes still pass the hard limit is dropped (close 4008);
// - heartbeats ping every client; one that has not answered the previous ping is terminated.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { ErrorBody } from '../../shared/api';
import { ROLE_RANK, type Role } from '../../shared/domain';
import type { DeskEvent } from '../../shared/events';
import { WS_CLOSE, WsClientMessage, type WsAction, type WsReply } from '../../shared/ws';
import { errorBody, zodIssues } from '../core/api/dispatch';
import type { Desk } from '../core/desk';
import { CLIENT_EVENT_NAMES, toDeskEvent } from '../core/events';
import type { Logger } from '../core/ports';
import { type AuthFailureLimiter, AuthError, bearerToken, type TokenAuthority, type VerifiedToken } from './auth';
import { Histogram } from './prometheus';
import { SECURITY_HEADERS, originAllowed } from './security';

export const WS_PATH = '/ws/risk';

/** The least role for each client action (every action is checked, like every route). */
export const WS_ACTION_ROLE: Record<WsAction, Role> = { subscribe: 'viewer', unsubscribe: 'viewer', ping: 'viewer' };

export interface HubOptions {
  /** Largest client frame accepted; a larger one closes the connection with 1009. */
  maxPayload: number;
  heartbeatMs: number;
  /** Unsent bytes above which metric updates are coalesced rather than written. */
  softBufferBytes: number;
  /** Unsent bytes above which the client is dropped. */
  hardBufferBytes: number;
  /** Shortest time between two flushes while events keep coming (stretched under load, see above). */
  flushIntervalMs: number;
  maxClients: number;
  /** Malformed messages a connection may send before it is closed (1008). */
  maxMalformed: number;
}

export const DEFAULT_HUB_OPTIONS: HubOptions = {
  maxPayload: 64 * 1024,
  heartbeatMs: 30_000,
  softBufferBytes: 512 * 1024,
  hardBufferBytes: 8 * 1024 * 1024,
  flushIntervalMs: 20,
  maxClients: 10_000,
  maxMalformed: 100,
};

export interface HubCounters {
  connected_total: number;
  rejected: Record<string, number>;
  dropped_clients: Record<'slow' | 'dead_peer' | 'token_expired' | 'malformed' | 'too_big', number>;
  /** Metric frames a backlogged client never got because a newer snapshot replaced them. */
  coalesced_total: number;
  malformed_total: number;
  frames_sent_total: number;
  flushes_total: number;
  /** Time spent writing batches to clients. */
  flush_seconds_total: number;
}

interface Entry {
  /** Set for risk_metrics_update: the portfolio it is about (filters and coalesces). */
  portfolioId?: string;
  /** The complete WebSocket frame. */
  frame: Buffer;
}

/**
 * One final, unmasked text frame (RFC 6455 section 5.2), as a server sends it. Written straight to
 * the client's socket: with permessage-deflate off, ws writes each of its own frames (replies,
 * pings, close) to the socket whole and at once, so frames never interleave.
 */
export function textFrame(payload: Buffer): Buffer {
  const len = payload.length;
  const headerLength = len < 126 ? 2 : len < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + len);
  frame[0] = 0x81;
  if (len < 126) frame[1] = len;
  else if (len < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(len, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(len / 2 ** 32), 2);
    frame.writeUInt32BE(len >>> 0, 6);
  }
  payload.copy(frame, headerLength);
  return frame;
}

/**
 * The WebSocket class the hub creates. ws closes a connection whose frame passes maxPayload with
 * 1009 and no reason; this gives that close a reason a person can read.
 */
function socketClass(maxPayload: number): typeof WebSocket {
  return class DeskSocket extends WebSocket {
    override close(code?: number, data?: string | Buffer): void {
      super.close(code, code === WS_CLOSE.messageTooBig && data === undefined ? `message too big: the limit is ${maxPayload} bytes` : data);
    }
  };
}

class Client {
  all = false;
  readonly subs = new Set<string>();
  /** Latest metric frame per portfolio, waiting while the client is backlogged. */
  readonly pending = new Map<string, Buffer>();
  alive = true;
  malformed = 0;

  constructor(
    readonly ws: WebSocket,
    readonly socket: Duplex,
    readonly token: VerifiedToken,
    readonly ip: string,
  ) {}

  wants(portfolioId: string): boolean {
    return this.all || this.subs.has(portfolioId);
  }

  get unsent(): number {
    return this.ws.bufferedAmount;
  }
}

function rawHttpResponse(status: number, statusText: string, body: ErrorBody, extra: Record<string, string> = {}): string {
  const json = JSON.stringify(body);
  const headers = { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(json)), Connection: 'close', ...SECURITY_HEADERS, ...extra };
  return `HTTP/1.1 ${status} ${statusText}\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\r\n')}\r\n\r\n${json}`;
}

export class Hub {
  readonly counters: HubCounters = {
    connected_total: 0,
    rejected: {},
    dropped_clients: { slow: 0, dead_peer: 0, token_expired: 0, malformed: 0, too_big: 0 },
    coalesced_total: 0,
    malformed_total: 0,
    frames_sent_total: 0,
    flushes_total: 0,
    flush_seconds_total: 0,
  };
  private readonly wss: WebSocketServer;
  private readonly clients = new Set<Client>();
  private readonly backlogged = new Set<Client>();
  private batch: Entry[] = [];
  /** When the oldest event of the current batch was published (performance.now()). */
  private batchSince = 0;
  private flushedBatchSince = 0;
  /**
   * Fan-out delay: from an event's publication to the end of the flush that wrote it to every
   * client (the batch's oldest event, once per flush). What the server adds to a client's latency.
   */
  readonly fanoutDelay = new Histogram('risk_desk_ws_fanout_delay_seconds', [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]);
  private readonly batchIndex = new Map<string, number>();
  private flushTimer: NodeJS.Timeout | NodeJS.Immediate | null = null;
  private lastFlush = 0;
  /** CPU time of the last flush, ms. */
  private lastFlushCost = 0;
  private readonly heartbeat: NodeJS.Timeout;
  private drainTimer: NodeJS.Timeout | null = null;
  private readonly unsubscribe: (() => void)[] = [];
  private closed = false;
  /** Told about every refused token (for the server's auth-failure counter). */
  onAuthFailure: (reason: AuthError['reason']) => void = () => {};

  constructor(
    private readonly desk: Desk,
    private readonly auth: TokenAuthority,
    private readonly limiter: AuthFailureLimiter,
    private readonly allowOrigins: ReadonlySet<string>,
    private readonly logger: Logger,
    readonly options: HubOptions = DEFAULT_HUB_OPTIONS,
  ) {
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxPayload,
      perMessageDeflate: false,
      WebSocket: socketClass(options.maxPayload),
      clientTracking: false,
    });
    for (const name of CLIENT_EVENT_NAMES) {
      this.unsubscribe.push(
        desk.events.on(name, (payload) => {
          const event = toDeskEvent(name, payload);
          if (event) this.publish(event);
        }),
      );
    }
    this.heartbeat = setInterval(() => this.beat(), options.heartbeatMs);
    this.heartbeat.unref();
  }

  get clientCount(): number {
    return this.clients.size;
  }

  get backloggedCount(): number {
    return this.backlogged.size;
  }

  /** The HTTP server's 'upgrade' listener: authenticate, then hand the socket to ws. */
  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const ip = req.socket.remoteAddress ?? 'unknown';
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== WS_PATH) return this.reject(socket, 404, 'Not Found', 'not_found', `no WebSocket endpoint at ${url.pathname}; use ${WS_PATH}`);
    if (!originAllowed(req.headers.origin, req.headers.host, this.allowOrigins)) {
      return this.reject(socket, 403, 'Forbidden', 'forbidden_origin', `origin ${req.headers.origin} is not allowed (serve with --allow-origin to allow it)`);
    }
    const retry = this.limiter.retryAfter(ip);
    if (retry > 0) return this.reject(socket, 429, 'Too Many Requests', 'rate_limited', `too many failed authentications; retry in ${retry} s`, { 'Retry-After': String(retry) });
    let token: VerifiedToken;
    try {
      token = await this.auth.verify(url.searchParams.get('token') ?? bearerToken(req.headers.authorization));
    } catch (err) {
      if (!(err instanceof AuthError)) throw err;
      this.onAuthFailure(err.reason);
      if (err.reason !== 'missing') this.limiter.fail(ip);
      return this.reject(socket, 401, 'Unauthorized', 'unauthorized', err.message, { 'WWW-Authenticate': 'Bearer' });
    }
    if (this.closed || socket.destroyed) return void socket.destroy();
    // ws would answer a broken handshake in plain text; every error here has the ErrorBody shape.
    const key = req.headers['sec-websocket-key'];
    if (req.headers.upgrade?.toLowerCase() !== 'websocket' || typeof key !== 'string' || !/^[+/0-9A-Za-z]{22}==$/.test(key) || req.headers['sec-websocket-version'] !== '13') {
      return this.reject(socket, 400, 'Bad Request', 'bad_request', 'not a WebSocket handshake (RFC 6455: Upgrade: websocket, a Sec-WebSocket-Key, Sec-WebSocket-Version: 13)');
    }
    if (this.clients.size >= this.options.maxClients) return this.reject(socket, 503, 'Service Unavailable', 'unavailable', `the server holds its maximum of ${this.options.maxClients} WebSocket clients`);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws, socket, token, ip));
  }

  private reject(socket: Duplex, status: number, statusText: string, code: string, message: string, headers?: Record<string, string>): void {
    this.counters.rejected[code] = (this.counters.rejected[code] ?? 0) + 1;
    if (!socket.writable) return void socket.destroy();
    socket.once('finish', () => socket.destroy());
    socket.end(rawHttpResponse(status, statusText, errorBody(code, message), headers));
  }

  private attach(ws: WebSocket, socket: Duplex, token: VerifiedToken, ip: string): void {
    const client = new Client(ws, socket, token, ip);
    this.clients.add(client);
    this.counters.connected_total++;
    ws.on('pong', () => (client.alive = true));
    ws.on('message', (data, isBinary) => this.receive(client, data as Buffer, isBinary));
    ws.on('error', (err) => {
      if ((err as { code?: string }).code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') this.counters.dropped_clients.too_big++;
      this.logger.debug({ actor: token.actor, ip, err: err.message }, 'websocket error');
    });
    ws.on('close', () => {
      this.clients.delete(client);
      this.backlogged.delete(client);
    });
    this.logger.debug({ actor: token.actor, role: token.role, ip }, 'websocket connected');
  }

  private send(client: Client, reply: WsReply): void {
    if (client.ws.readyState !== WebSocket.OPEN) return;
    client.ws.send(JSON.stringify(reply));
  }

  private error(client: Client, code: string, message: string, id?: string | number, issues?: { field: string; reason: string }[]): void {
    this.send(client, { type: 'error', timestamp: this.now(), ...(id !== undefined ? { id } : {}), code, message, ...(issues ? { issues } : {}) });
  }

  private now(): string {
    return new Date(this.desk.clock.now()).toISOString();
  }

  private expired(client: Client): boolean {
    if (client.token.exp * 1000 > this.desk.clock.now()) return false;
    if (client.ws.readyState !== WebSocket.OPEN) return true;
    this.counters.dropped_clients.token_expired++;
    client.ws.close(WS_CLOSE.tokenExpired, 'token expired: reconnect with a fresh token');
    return true;
  }

  private receive(client: Client, data: Buffer, isBinary: boolean): void {
    if (this.expired(client)) return;
    let msg: unknown;
    const malformed = (message: string, issues?: { field: string; reason: string }[], id?: string | number) => {
      this.counters.malformed_total++;
      client.malformed++;
      this.logger.debug({ actor: client.token.actor, ip: client.ip, reason: message }, 'malformed websocket message');
      if (client.malformed > this.options.maxMalformed) {
        this.counters.dropped_clients.malformed++;
        client.ws.close(WS_CLOSE.policyViolation, `more than ${this.options.maxMalformed} malformed messages`);
        return;
      }
      this.error(client, 'bad_request', message, id, issues);
    };
    if (isBinary) return malformed('binary frames are not accepted: send JSON text');
    try {
      msg = JSON.parse(data.toString('utf8'));
    } catch {
      return malformed('the message is not valid JSON');
    }
    const parsed = WsClientMessage.safeParse(msg);
    if (!parsed.success) {
      const issues = zodIssues(parsed.error);
      const id = typeof msg === 'object' && msg !== null && 'id' in msg && (typeof msg.id === 'string' || typeof msg.id === 'number') ? msg.id : undefined;
      return malformed(`invalid message: ${issues.map((i) => `${i.field}: ${i.reason}`).join('; ')}`, issues, id);
    }
    const m = parsed.data;
    const need = WS_ACTION_ROLE[m.type];
    if (ROLE_RANK[client.token.role] < ROLE_RANK[need]) return this.error(client, 'forbidden', `${m.type} needs the ${need} role; you are ${client.token.role}`, m.id);
    const id = m.id !== undefined ? { id: m.id } : {};
    switch (m.type) {
      case 'ping':
        return this.send(client, { type: 'pong', timestamp: this.now(), ...id });
      case 'subscribe': {
        if (m.portfolio_ids.includes('*')) client.all = true;
        else for (const p of m.portfolio_ids) client.subs.add(p);
        const known = new Set(this.desk.store.book.listPortfolios().map((p) => p.id));
        const unknown = m.portfolio_ids.filter((p) => p !== '*' && !known.has(p));
        return this.send(client, { type: 'subscribed', timestamp: this.now(), ...id, portfolio_ids: this.subscriptions(client), unknown_portfolio_ids: unknown });
      }
      case 'unsubscribe': {
        if (m.portfolio_ids.includes('*')) {
          client.all = false;
          client.subs.clear();
        } else for (const p of m.portfolio_ids) client.subs.delete(p);
        for (const p of [...client.pending.keys()]) if (!client.wants(p)) client.pending.delete(p);
        return this.send(client, { type: 'unsubscribed', timestamp: this.now(), ...id, portfolio_ids: this.subscriptions(client) });
      }
    }
  }

  private subscriptions(client: Client): string[] {
    return client.all ? ['*'] : [...client.subs].sort();
  }

  /** Queues an event for every client that wants it. */
  publish(event: DeskEvent): void {
    if (this.closed || this.clients.size === 0) return;
    const frame = textFrame(Buffer.from(JSON.stringify(event), 'utf8'));
    if (this.batch.length === 0) this.batchSince = performance.now();
    if (event.type === 'risk_metrics_update') {
      const at = this.batchIndex.get(event.portfolio_id);
      // Two snapshots of one portfolio in one batch: only the newer is worth sending.
      if (at !== undefined) this.batch[at] = { portfolioId: event.portfolio_id, frame };
      else {
        this.batchIndex.set(event.portfolio_id, this.batch.length);
        this.batch.push({ portfolioId: event.portfolio_id, frame });
      }
    } else this.batch.push({ frame });
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return;
    const wait = this.lastFlush + Math.max(this.options.flushIntervalMs, 2 * this.lastFlushCost) - Date.now();
    this.flushTimer = wait > 0 ? setTimeout(() => this.flush(), wait) : setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushTimer = null;
    this.lastFlush = Date.now();
    const batch = this.batch;
    if (batch.length === 0) return;
    this.flushedBatchSince = this.batchSince;
    this.batch = [];
    this.batchIndex.clear();
    const started = performance.now();
    const cpu = process.cpuUsage();
    let everything: Buffer | null = null;
    for (const client of this.clients) {
      if (client.ws.readyState !== WebSocket.OPEN) continue;
      if (client.all && client.pending.size === 0 && client.unsent <= this.options.softBufferBytes) {
        // The common case: the whole batch, one buffer shared by every such client.
        everything ??= Buffer.concat(batch.map((e) => e.frame));
        this.write(client, everything, batch.length);
      } else this.deliver(client, batch);
      if (this.dropIfTooSlow(client)) continue;
      if (client.pending.size) this.markBacklogged(client);
    }
    const done = performance.now();
    this.fanoutDelay.observe((done - this.flushedBatchSince) / 1000);
    const used = process.cpuUsage(cpu);
    this.lastFlushCost = (used.user + used.system) / 1000;
    this.counters.flushes_total++;
    this.counters.flush_seconds_total += (done - started) / 1000;
  }

  private write(client: Client, data: Buffer, frames: number): void {
    client.socket.write(data);
    this.counters.frames_sent_total += frames;
  }

  /** One client's share of a batch; metric frames wait (coalesced) while the client is backlogged. */
  private deliver(client: Client, batch: Entry[]): void {
    const backlogged = client.unsent > this.options.softBufferBytes;
    const out: Buffer[] = [];
    if (!backlogged) this.takePending(client, out);
    for (const e of batch) {
      if (e.portfolioId === undefined) out.push(e.frame);
      else if (!client.wants(e.portfolioId)) continue;
      else if (backlogged) {
        if (client.pending.has(e.portfolioId)) this.counters.coalesced_total++;
        client.pending.set(e.portfolioId, e.frame);
      } else out.push(e.frame);
    }
    if (out.length) this.write(client, out.length === 1 ? out[0] : Buffer.concat(out), out.length);
  }

  private takePending(client: Client, out: Buffer[]): void {
    for (const frame of client.pending.values()) out.push(frame);
    client.pending.clear();
  }

  private dropIfTooSlow(client: Client): boolean {
    if (client.unsent <= this.options.hardBufferBytes) return false;
    this.counters.dropped_clients.slow++;
    this.logger.warn({ actor: client.token.actor, ip: client.ip, unsent_bytes: client.unsent }, 'dropping a WebSocket client that reads too slowly');
    this.clients.delete(client);
    this.backlogged.delete(client);
    // Its buffer is full: a close frame would wait behind megabytes, so cut the connection.
    client.ws.terminate();
    return true;
  }

  private markBacklogged(client: Client): void {
    this.backlogged.add(client);
    if (!this.drainTimer) {
      this.drainTimer = setInterval(() => this.drain(), Math.max(10, this.options.flushIntervalMs * 2));
      this.drainTimer.unref();
    }
  }

  /** Sends the coalesced snapshots of backlogged clients whose buffers have room again. */
  private drain(): void {
    for (const client of this.backlogged) {
      if (client.ws.readyState !== WebSocket.OPEN) {
        this.backlogged.delete(client);
        continue;
      }
      if (client.unsent > this.options.softBufferBytes) continue;
      const out: Buffer[] = [];
      this.takePending(client, out);
      if (out.length) this.write(client, Buffer.concat(out), out.length);
      this.backlogged.delete(client);
    }
    if (this.backlogged.size === 0 && this.drainTimer) {
      clearInterval(this.drainTimer);
      this.drainTimer = null;
    }
  }

  private beat(): void {
    for (const client of this.clients) {
      if (this.expired(client)) continue;
      if (!client.alive) {
        this.counters.dropped_clients.dead_peer++;
        this.logger.info({ actor: client.token.actor, ip: client.ip }, 'terminating a WebSocket client that stopped answering pings');
        this.clients.delete(client);
        this.backlogged.delete(client);
        client.ws.terminate();
        continue;
      }
      client.alive = false;
      client.ws.ping();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const off of this.unsubscribe) off();
    clearInterval(this.heartbeat);
    if (this.drainTimer) clearInterval(this.drainTimer);
    if (this.flushTimer) {
      clearTimeout(this.flushTimer as NodeJS.Timeout);
      clearImmediate(this.flushTimer as NodeJS.Immediate);
    }
    const closing = [...this.clients].map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.ws.readyState === WebSocket.CLOSED) return resolve();
          c.ws.once('close', () => resolve());
          c.ws.close(WS_CLOSE.goingAway, 'server shutting down');
          // A peer that never answers the close handshake is cut after a moment.
          setTimeout(() => c.ws.terminate(), 1000).unref();
        }),
    );
    await Promise.all(closing);
    this.clients.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
