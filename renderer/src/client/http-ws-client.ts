// The DeskClient when the dashboard is served by `risk-desk serve`: calls over fetch, using
// the endpoint table's method and path; push events over one WebSocket to /ws/risk that
// reconnects with exponential backoff (with jitter, so a desk of screens does not reconnect in
// lockstep after a server restart) and resubscribes on every reconnect.
import type { EndpointInput, EndpointName, EndpointOutput } from '../../../shared/api';
import { type ConnectionState, type DeskClient, DeskClientError } from '../../../shared/client';
import { DeskEvent } from '../../../shared/events';
import { buildRequest, errorFromResponse } from './request';

/** The part of the WebSocket API this client uses (the browser's, or `ws` in Node tests). */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
export type SocketFactory = (url: string) => SocketLike;

export interface HttpWsClientOptions {
  /** Origin of the server, e.g. http://127.0.0.1:8000 ('' = the page's own origin). */
  baseUrl: string;
  token: string;
  fetch?: typeof fetch;
  socket?: SocketFactory;
  /** Reconnect delays: initial, cap, growth factor. */
  backoff?: { initialMs: number; maxMs: number; factor: number };
  /** With no message for this long the socket is presumed dead and replaced (a ping goes out at half of it). */
  silenceMs?: number;
  random?: () => number;
}

export interface ClientStats {
  received: number;
  /** Events dropped before reaching the dashboard, by reason. */
  dropped: Record<string, number>;
  reconnects: number;
}

const OPEN = 1;
/** Close codes by which the server says the token is missing, bad or expired. */
const AUTH_CLOSE_CODES = new Set([4001, 4401, 4403]);

export class HttpWsClient implements DeskClient {
  private readonly fetchImpl: typeof fetch;
  private readonly socketFactory: SocketFactory;
  private readonly backoff: { initialMs: number; maxMs: number; factor: number };
  private readonly silenceMs: number;
  private readonly random: () => number;
  private readonly eventListeners = new Set<(e: DeskEvent) => void>();
  private readonly connListeners = new Set<(s: ConnectionState) => void>();
  private ws: SocketLike | null = null;
  private state: ConnectionState = 'connecting';
  private subscription: string[] | null = null;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  private lastMessageAt = 0;
  private closed = false;
  readonly stats: ClientStats = { received: 0, dropped: {}, reconnects: 0 };

  constructor(private readonly opts: HttpWsClientOptions) {
    this.fetchImpl = opts.fetch ?? ((...args) => fetch(...args));
    this.socketFactory = opts.socket ?? ((url) => new WebSocket(url) as unknown as SocketLike);
    this.backoff = opts.backoff ?? { initialMs: 500, maxMs: 15_000, factor: 2 };
    this.silenceMs = opts.silenceMs ?? 30_000;
    this.random = opts.random ?? Math.random;
    this.connect();
  }

  get connection(): ConnectionState {
    return this.state;
  }

  async call<K extends EndpointName>(name: K, input: EndpointInput<K>): Promise<EndpointOutput<K>> {
    const req = buildRequest(name, input);
    let res: Response;
    try {
      res = await this.fetchImpl(this.opts.baseUrl + req.url, {
        method: req.method,
        headers: { Authorization: `Bearer ${this.opts.token}`, Accept: 'application/json', ...(req.body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
        body: req.body,
      });
    } catch (err) {
      throw new DeskClientError('network', `${name}: the server did not answer (${err instanceof Error ? err.message : String(err)})`, 0);
    }
    const text = await res.text();
    let body: unknown = undefined;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        if (res.ok) throw new DeskClientError('bad_response', `${name}: the server sent something that is not JSON`, res.status);
      }
    }
    if (!res.ok) {
      if (res.status === 401) this.setState('unauthorized');
      throw errorFromResponse(res.status, res.statusText, body);
    }
    return body as EndpointOutput<K>;
  }

  subscribe(portfolioIds: string[]): void {
    this.subscription = [...portfolioIds];
    this.sendSubscription();
  }

  onEvent(listener: (event: DeskEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onConnection(listener: (state: ConnectionState) => void): () => void {
    this.connListeners.add(listener);
    listener(this.state);
    return () => this.connListeners.delete(listener);
  }

  /** Reconnects now instead of waiting out the backoff (the status bar's "retry"). */
  retryNow(): void {
    if (this.closed || this.state === 'open' || this.state === 'unauthorized') return;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.connect();
  }

  close(): void {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.stopHeartbeat();
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onclose = ws.onmessage = ws.onopen = null;
      // Closing a socket still connecting reports an error; it is expected here.
      ws.onerror = () => {};
      ws.close(1000, 'client closed');
    }
    this.setState('closed');
  }

  private wsUrl(): string {
    const base = this.opts.baseUrl || (typeof location !== 'undefined' ? location.origin : '');
    const u = new URL('/ws/risk', base);
    u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
    u.searchParams.set('token', this.opts.token);
    return u.toString();
  }

  private connect(): void {
    if (this.closed) return;
    let opened = false;
    let ws: SocketLike;
    try {
      ws = this.socketFactory(this.wsUrl());
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      opened = true;
      this.attempt = 0;
      this.lastMessageAt = Date.now();
      this.setState('open');
      this.sendSubscription();
      this.startHeartbeat();
    };
    ws.onmessage = (ev) => {
      this.lastMessageAt = Date.now();
      this.receive(ev.data);
    };
    ws.onerror = () => {
      // A close event always follows; reconnection is decided there.
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.stopHeartbeat();
      if (this.closed) return;
      if (AUTH_CLOSE_CODES.has(ev.code)) {
        this.setState('unauthorized');
        return;
      }
      // A browser cannot see the status of a refused upgrade: when the socket never opened,
      // ask an authenticated endpoint whether the token is the reason before retrying.
      if (!opened) void this.probeAuthThenReconnect();
      else this.scheduleReconnect();
    };
  }

  private async probeAuthThenReconnect(): Promise<void> {
    try {
      const res = await this.fetchImpl(`${this.opts.baseUrl}/api/portfolios`, { headers: { Authorization: `Bearer ${this.opts.token}` } });
      if (res.status === 401) {
        this.setState('unauthorized');
        return;
      }
    } catch {
      // Server unreachable: keep retrying with backoff.
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    this.setState('reconnecting');
    const base = Math.min(this.backoff.maxMs, this.backoff.initialMs * this.backoff.factor ** this.attempt);
    const delay = base * (0.75 + 0.5 * this.random());
    this.attempt++;
    this.stats.reconnects++;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }

  private startHeartbeat(): void {
    this.stopHeartbeat();
    this.heartbeatTimer = setInterval(
      () => {
        const ws = this.ws;
        if (!ws || ws.readyState !== OPEN) return;
        const silent = Date.now() - this.lastMessageAt;
        if (silent >= this.silenceMs) {
          // Half-open connection (laptop slept, proxy dropped it): replace the socket.
          ws.onclose = null;
          ws.close(4000, 'silent');
          this.ws = null;
          this.stopHeartbeat();
          this.scheduleReconnect();
        } else if (silent >= this.silenceMs / 2) {
          ws.send(JSON.stringify({ type: 'ping' }));
        }
      },
      Math.max(10, Math.floor(this.silenceMs / 4)),
    );
  }

  private stopHeartbeat(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  private sendSubscription(): void {
    if (!this.subscription || !this.ws || this.ws.readyState !== OPEN) return;
    this.ws.send(JSON.stringify({ type: 'subscribe', portfolio_ids: this.subscription }));
  }

  private drop(reason: string): void {
    this.stats.dropped[reason] = (this.stats.dropped[reason] ?? 0) + 1;
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return this.drop('not_text');
    let raw: unknown;
    try {
      raw = JSON.parse(data);
    } catch {
      return this.drop('malformed_json');
    }
    const type = (raw as { type?: unknown } | null)?.type;
    // Protocol replies (shared/ws.ts) are not desk events; an error reply is counted.
    if (type === 'pong' || type === 'subscribed' || type === 'unsubscribed') return;
    if (type === 'error') return this.drop(`server_error_${String((raw as { code?: unknown }).code ?? 'unknown')}`);
    const parsed = DeskEvent.safeParse(raw);
    if (!parsed.success) {
      this.drop(typeof type === 'string' ? `invalid_${type}` : 'unknown_type');
      return;
    }
    this.stats.received++;
    for (const l of this.eventListeners) l(parsed.data);
  }

  private setState(s: ConnectionState): void {
    if (this.state === s) return;
    this.state = s;
    for (const l of this.connListeners) l(s);
  }
}
