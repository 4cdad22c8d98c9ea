// A WebSocket market-data feed: the desk connects as a client to a gateway (`--feed ws://...`)
// and reconnects with jittered exponential backoff whenever the connection drops.
import WebSocket from 'ws';
import { InputError } from '../book/types';
import { type Timers, type TimerHandle, systemTimers } from '../ports';
import { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF, FeedBase, type FeedDeps, type FeedSink, redactUrl } from './feed';

export interface WebSocketFeedOptions extends FeedDeps {
  timers?: Timers;
  backoff?: BackoffOptions;
  /** A ping every this many ms; a connection that misses a pong is dropped and reconnected (default 15 s, 0 = off). */
  pingIntervalMs?: number;
  random?: () => number;
}

export class WebSocketFeed extends FeedBase {
  private socket: WebSocket | undefined;
  private attempt = 0;
  private stopped = true;
  private reconnectTimer: TimerHandle | undefined;
  private pingTimer: TimerHandle | undefined;
  private readonly timers: Timers;

  constructor(
    private readonly url: string,
    private readonly opts: WebSocketFeedOptions,
  ) {
    super('websocket', redactUrl(url), opts);
    this.timers = opts.timers ?? systemTimers;
    // Checked here so a bad URL fails at start-up with a message that does not echo its password.
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') || !parsed.hostname) {
      throw new InputError('--feed', null, null, `${this.source} is not a valid ws:// or wss:// URL`);
    }
  }

  start(sink: FeedSink): void {
    this.sink = sink;
    this.stopped = false;
    this.setState('connecting');
    this.connect();
  }

  private connect(): void {
    // Moderately oversized messages are read and counted; beyond 4x the limit ws refuses them
    // (closing the connection) so one bad gateway message cannot exhaust memory.
    const socket = new WebSocket(this.url, { maxPayload: this.maxMessageBytes * 4, handshakeTimeout: 10_000 });
    this.socket = socket;
    let alive = true;
    let lastError: { code: string | null; error: string } | undefined;
    socket.on('open', () => {
      this.attempt = 0;
      this.setState('live');
      this.schedulePing(socket, () => alive, (v) => (alive = v));
    });
    socket.on('pong', () => (alive = true));
    socket.on('message', (data: WebSocket.RawData) => {
      this.receive(Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data));
    });
    socket.on('error', (err: Error & { code?: string }) => {
      if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') this.drop('oversize', `message beyond ${this.maxMessageBytes * 4} bytes: connection reset`);
      // Reported with the close that follows. The message may carry the URL: only the redacted source goes out.
      lastError = { code: err.code ?? null, error: err.message.replace(this.url, this.source) };
    });
    socket.on('close', (code: number) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      if (this.pingTimer !== undefined) this.timers.clearTimeout(this.pingTimer);
      if (this.stopped) return;
      const delay = backoffDelay(this.attempt++, this.opts.backoff ?? DEFAULT_BACKOFF, this.opts.random);
      this.logger.warn({ close_code: code, ...lastError, attempt: this.attempt, delay_ms: delay }, 'feed disconnected; reconnecting');
      this.setState('reconnecting');
      this.reconnectTimer = this.timers.setTimeout(() => {
        this.reconnectTimer = undefined;
        if (!this.stopped) this.connect();
      }, delay);
    });
  }

  private schedulePing(socket: WebSocket, isAlive: () => boolean, setAlive: (v: boolean) => void): void {
    const every = this.opts.pingIntervalMs ?? 15_000;
    if (every <= 0) return;
    this.pingTimer = this.timers.setTimeout(() => {
      if (this.socket !== socket || socket.readyState !== WebSocket.OPEN) return;
      if (!isAlive()) {
        this.logger.warn({ after_ms: every }, 'feed missed a pong; dropping the connection');
        socket.terminate();
        return;
      }
      setAlive(false);
      socket.ping();
      this.schedulePing(socket, isAlive, setAlive);
    }, every);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer !== undefined) this.timers.clearTimeout(this.reconnectTimer);
    if (this.pingTimer !== undefined) this.timers.clearTimeout(this.pingTimer);
    const socket = this.socket;
    this.socket = undefined;
    if (socket && socket.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        // A socket still connecting cannot close cleanly; terminate it either way so stop is prompt.
        socket.terminate();
      });
    }
    this.setState('stopped');
  }
}
