// The client side of bench/server.bench.ts, run in its own process so that N WebSocket clients
// do not share the server's event loop. Driven by IPC messages from the bench:
//   connect {url, token, count}  -> opens `count` more clients, each subscribed to every portfolio
//   reset                        -> clears the latency histogram and per-client counts
//   report                       -> latency percentiles, per-client update counts, CPU, errors
// The clients are minimal RFC 6455 clients over raw TCP (real handshake, frame parsing, masked
// pongs to the server's heartbeats), so that thousands of them cost the load generator far less
// than the server it measures: each reads the `timestamp` of every risk_metrics_update from the
// frame's bytes (the server sends `type` then `timestamp` first), and one message in 500 is
// parsed in full as a check.
import { randomBytes } from 'node:crypto';
import net from 'node:net';

const PREFIX = Buffer.from('{"type":"risk_metrics_update","timestamp":"');

/** The epoch ms of the minute `YYYY-MM-DDTHH:MM` last seen, so most timestamps cost no Date.parse. */
let minuteKey = '';
let minuteMs = 0;

/** Epoch ms of an ISO time `YYYY-MM-DDTHH:MM:SS.mmmZ` starting at `at` in `data`. */
function isoMs(data: Buffer, at: number): number {
  const key = data.toString('latin1', at, at + 16);
  if (key !== minuteKey) {
    minuteKey = key;
    minuteMs = Date.parse(`${key}:00.000Z`);
  }
  // Digits by hand: no closure here, this runs for every update a client receives.
  const seconds = (data[at + 17] - 48) * 10 + (data[at + 18] - 48);
  return minuteMs + seconds * 1000 + (data[at + 20] - 48) * 100 + (data[at + 21] - 48) * 10 + (data[at + 22] - 48);
}
/** Latency histogram, 1 ms buckets up to 10 s (the last bucket holds anything slower). */
const histogram = new Uint32Array(10_001);
let samples = 0;
let parseChecks = 0;
let parseFailures = 0;
let protocolErrors = 0;
let closedUnexpectedly = 0;
let closing = false;
let cpuSince = process.cpuUsage();
let resetAt = Date.now();

function maskedFrame(opcode: number, payload: Buffer): Buffer {
  if (payload.length > 125) throw new Error('bench client frames stay small');
  const mask = randomBytes(4);
  const frame = Buffer.allocUnsafe(6 + payload.length);
  frame[0] = 0x80 | opcode;
  frame[1] = 0x80 | payload.length;
  mask.copy(frame, 2);
  for (let i = 0; i < payload.length; i++) frame[6 + i] = payload[i] ^ mask[i & 3];
  return frame;
}

/** Header plus payload length of the frame at `off`, or -1 while its header is incomplete. */
function frameSize(data: Buffer, off: number): number {
  if (data.length - off < 2) return -1;
  const len = data[off + 1] & 0x7f;
  if (len < 126) return 2 + len;
  if (len === 126) return data.length - off < 4 ? -1 : 4 + data.readUInt16BE(off + 2);
  return data.length - off < 10 ? -1 : 10 + data.readUInt32BE(off + 2) * 2 ** 32 + data.readUInt32BE(off + 6);
}

class Client {
  updates = 0;
  subscribed = false;
  private rest: Buffer | null = null;

  constructor(readonly socket: net.Socket) {}

  onData(chunk: Buffer): void {
    let data = chunk;
    if (this.rest) {
      // Finish the frame split across reads by copying only its own bytes, not the whole read.
      const size = frameSize(this.rest, 0);
      if (size < 0 || this.rest.length + chunk.length < size) {
        data = Buffer.concat([this.rest, chunk]);
        this.rest = null;
      } else {
        const take = size - this.rest.length;
        this.parse(Buffer.concat([this.rest, chunk.subarray(0, take)]), 0);
        this.rest = null;
        data = chunk.subarray(take);
      }
    }
    this.parse(data, 0);
  }

  private parse(data: Buffer, off: number): void {
    for (;;) {
      const size = frameSize(data, off);
      if (size < 0 || data.length - off < size) break;
      const header = data[off + 1] & 0x7f;
      const start = off + (header === 126 ? 4 : header === 127 ? 10 : 2);
      this.frame(data[off], data, start, off + size);
      off += size;
    }
    // A copy: the read buffer is reused by the next read.
    this.rest = off < data.length ? Buffer.from(data.subarray(off)) : null;
  }

  private frame(b0: number, data: Buffer, start: number, end: number): void {
    const opcode = b0 & 0x0f;
    if ((b0 & 0x80) === 0) protocolErrors++;
    if (opcode === 0x9) return void this.socket.write(maskedFrame(0xa, data.subarray(start, end)));
    if (opcode === 0x8) {
      if (!closing) closedUnexpectedly++;
      return;
    }
    if (opcode !== 0x1) return;
    if (end - start > PREFIX.length + 24 && data.compare(PREFIX, 0, PREFIX.length, start, start + PREFIX.length) === 0) {
      const now = Date.now();
      const sent = isoMs(data, start + PREFIX.length);
      histogram[Math.min(10_000, Math.max(0, now - sent))]++;
      samples++;
      this.updates++;
      if (samples % 500 === 0) {
        parseChecks++;
        try {
          const m = JSON.parse(data.toString('utf8', start, end));
          if (m.type !== 'risk_metrics_update' || typeof m.metrics?.var_95 !== 'number') parseFailures++;
        } catch {
          parseFailures++;
        }
      }
    } else if (!this.subscribed && data.includes('"type":"subscribed"', start)) this.subscribed = true;
  }
}

const clients: Client[] = [];

/** One read buffer shared by every socket: reads land here and are parsed at once (no allocation per read). */
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);

function open(url: string, token: string): Promise<void> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    let client: Client | null = null;
    let head = Buffer.alloc(0);
    const socket = net.connect({
      port: Number(u.port),
      host: u.hostname,
      noDelay: true,
      onread: {
        buffer: READ_BUFFER,
        // Returns true: keep reading.
        callback: (n: number, buf: Uint8Array): boolean => {
          const chunk = Buffer.from(buf.buffer, buf.byteOffset, n);
          if (client) {
            client.onData(chunk);
            return true;
          }
          head = Buffer.concat([head, chunk]);
          const end = head.indexOf('\r\n\r\n');
          if (end < 0) return true;
          if (!head.subarray(0, 12).toString().startsWith('HTTP/1.1 101')) {
            reject(new Error(head.subarray(0, end).toString()));
            return true;
          }
          const c = (client = new Client(socket));
          if (head.length > end + 4) c.onData(head.subarray(end + 4));
          socket.write(maskedFrame(0x1, Buffer.from('{"type":"subscribe","portfolio_ids":["*"]}')));
          const wait = setInterval(() => {
            if (!c.subscribed) return;
            clearInterval(wait);
            clients.push(c);
            resolve();
          }, 5);
          return true;
        },
      },
    });
    socket.once('error', reject);
    socket.on('close', () => {
      if (!closing) closedUnexpectedly++;
    });
    socket.once('connect', () =>
      socket.write(
        `GET ${u.pathname}?token=${token} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      ),
    );
  });
}

function percentile(p: number): number {
  const target = Math.max(1, Math.ceil(samples * p));
  let seen = 0;
  for (let ms = 0; ms < histogram.length; ms++) {
    seen += histogram[ms];
    if (seen >= target) return ms;
  }
  return histogram.length - 1;
}

type Command = { cmd: 'connect'; url: string; token: string; count: number } | { cmd: 'reset' } | { cmd: 'report' } | { cmd: 'exit' };

process.on('message', async (m: Command) => {
  try {
    if (m.cmd === 'connect') {
      // In waves, so the server's accept backlog and token checks are not flooded at once.
      for (let left = m.count; left > 0; left -= 100) await Promise.all(Array.from({ length: Math.min(100, left) }, () => open(m.url, m.token)));
      process.send!({ ok: true, clients: clients.length });
    } else if (m.cmd === 'reset') {
      histogram.fill(0);
      samples = 0;
      for (const c of clients) c.updates = 0;
      cpuSince = process.cpuUsage();
      resetAt = Date.now();
      process.send!({ ok: true });
    } else if (m.cmd === 'report') {
      const counts = clients.map((c) => c.updates);
      const cpu = process.cpuUsage(cpuSince);
      process.send!({
        ok: true,
        samples,
        p50: percentile(0.5),
        p99: percentile(0.99),
        max: percentile(1),
        minUpdates: Math.min(...counts),
        maxUpdates: Math.max(...counts),
        parseChecks,
        parseFailures,
        protocolErrors,
        closedUnexpectedly,
        cpu: Math.round(((cpu.user + cpu.system) / 1000 / (Date.now() - resetAt)) * 100),
      });
    } else if (m.cmd === 'exit') {
      closing = true;
      for (const c of clients) c.socket.destroy();
      process.exit(0);
    }
  } catch (err) {
    process.send!({ ok: false, error: (err as Error).message });
  }
});
process.on('disconnect', () => process.exit(0));
