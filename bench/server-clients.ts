// The client side of bench/server.bench.ts, run in its own process so that N WebSocket clients
// do not share the server's event loop. Driven by IPC messages from the bench:
//   connect {url, token, count}  -> opens `count` more clients, each subscribed to every portfolio
//   reset                        -> clears the latency histogram and per-client counts
//   report                       -> latency percentiles, per-client update counts, errors
// Each client reads the `timestamp` of every risk_metrics_update from the frame's bytes (the
// server sends `type` then `timestamp` first) and fully parses one message in 500 as a check, so
// that the load generator costs far less than the server it measures.
import { WebSocket } from 'ws';

interface Client {
  ws: WebSocket;
  updates: number;
}

const clients: Client[] = [];
/** Latency histogram, 1 ms buckets up to 10 s (the last bucket holds anything slower). */
const histogram = new Uint32Array(10_001);
let samples = 0;
let parseChecks = 0;
let parseFailures = 0;
let closedUnexpectedly = 0;
let closing = false;
let cpuSince = process.cpuUsage();
let resetAt = Date.now();

const TYPE = Buffer.from('{"type":"risk_metrics_update","timestamp":"');

function onMessage(client: Client, data: Buffer): void {
  if (data.length < TYPE.length + 24 || data.compare(TYPE, 0, TYPE.length, 0, TYPE.length) !== 0) return;
  const now = Date.now();
  const sent = Date.parse(data.toString('latin1', TYPE.length, TYPE.length + 24));
  histogram[Math.min(10_000, Math.max(0, now - sent))]++;
  samples++;
  client.updates++;
  if (samples % 500 === 0) {
    parseChecks++;
    try {
      const m = JSON.parse(data.toString('utf8'));
      if (m.type !== 'risk_metrics_update' || typeof m.metrics?.var_95 !== 'number') parseFailures++;
    } catch {
      parseFailures++;
    }
  }
}

function open(url: string, token: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url}?token=${token}`, { perMessageDeflate: false });
    const client: Client = { ws, updates: 0 };
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify({ type: 'subscribe', portfolio_ids: ['*'], id: 's' })));
    ws.on('message', (data: Buffer) => {
      if (client.updates === 0 && data.includes('"type":"subscribed"')) {
        clients.push(client);
        resolve();
        return;
      }
      onMessage(client, data);
    });
    ws.on('close', () => {
      if (!closing) closedUnexpectedly++;
    });
  });
}

function percentile(p: number): number {
  const target = Math.ceil(samples * p);
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
        closedUnexpectedly,
        open: clients.filter((c) => c.ws.readyState === WebSocket.OPEN).length,
        cpu: Math.round(((cpu.user + cpu.system) / 1000 / (Date.now() - resetAt)) * 100),
      });
    } else if (m.cmd === 'exit') {
      closing = true;
      for (const c of clients) c.ws.terminate();
      process.exit(0);
    }
  } catch (err) {
    process.send!({ ok: false, error: (err as Error).message });
  }
});
process.on('disconnect', () => process.exit(0));
