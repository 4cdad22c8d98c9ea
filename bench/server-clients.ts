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

class Client {
  updates = 0;
  subscribed = false;
  private rest: Buffer | null = null;

  constructor(readonly socket: net.Socket) {}

  onData(chunk: Buffer): void {
    const data = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    let off = 0;
    for (;;) {
      if (data.length - off < 2) break;
      const b0 = data[off];
      let len = data[off + 1] & 0x7f;
      let header = 2;
      if (len === 126) {
        if (data.length - off < 4) break;
        len = data.readUInt16BE(off + 2);
        header = 4;
      } else if (len === 127) {
        if (data.length - off < 10) break;
        len = data.readUInt32BE(off + 2) * 2 ** 32 + data.readUInt32BE(off + 6);
        header = 10;
      }
      if (data.length - off < header + len) break;
      const start = off + header;
      this.frame(b0, data, start, start + len);
      off = start + len;
    }
    this.rest = off < data.length ? data.subarray(off) : null;
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
      const sent = Date.parse(data.toString('latin1', start + PREFIX.length, start + PREFIX.length + 24));
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

function open(url: string, token: string): Promise<void> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(u.port), u.hostname);
    socket.setNoDelay(true);
    socket.once('error', reject);
    socket.once('connect', () =>
      socket.write(
        `GET ${u.pathname}?token=${token} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      ),
    );
    let head = Buffer.alloc(0);
    const onHead = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onHead);
      if (!head.subarray(0, 12).toString().startsWith('HTTP/1.1 101')) return reject(new Error(head.subarray(0, end).toString()));
      const client = new Client(socket);
      socket.on('data', (b: Buffer) => client.onData(b));
      socket.on('close', () => {
        if (!closing) closedUnexpectedly++;
      });
      if (head.length > end + 4) client.onData(head.subarray(end + 4));
      socket.write(maskedFrame(0x1, Buffer.from('{"type":"subscribe","portfolio_ids":["*"]}')));
      const wait = setInterval(() => {
        if (!client.subscribed) return;
        clearInterval(wait);
        clients.push(client);
        resolve();
      }, 5);
    };
    socket.on('data', onHead);
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
