// A market-data gateway for the monitor benchmark, run in its own process so its CPU is not
// counted against the desk: a `ws` server that, once a client connects, sends `tick` messages
// at a fixed rate (catching up on timer drift) for a fixed time, then keeps the connection open.
//   node --import tsx bench/tick-gateway.ts <symbols> <ticksPerSecond> <seconds> <seed>
// Prints `port N` when listening and `done N` after sending N ticks.
import { WebSocketServer } from 'ws';
import { mulberry32 } from '../electron/core/demo/generator';

const [symbolCount, rate, seconds, seed] = process.argv.slice(2).map(Number);
const symbols = Array.from({ length: symbolCount }, (_, i) => `S${String(i).padStart(4, '0')}`);
const prices = new Float64Array(symbolCount).fill(100);
const uniform = mulberry32(seed);
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });

wss.on('listening', () => process.stdout.write(`port ${(wss.address() as { port: number }).port}\n`));
wss.once('connection', (socket) => {
  const start = performance.now();
  let sent = 0;
  const total = Math.round(rate * seconds);
  const timer = setInterval(() => {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
    for (; sent < due; sent++) {
      const i = Math.floor(uniform() * symbolCount);
      prices[i] = Math.round(prices[i] * (1 + (uniform() - 0.5) * 0.002) * 1e4) / 1e4;
      socket.send(JSON.stringify({ type: 'tick', symbol: symbols[i], price: prices[i], ts: new Date().toISOString() }));
    }
    if (sent >= total) {
      clearInterval(timer);
      process.stdout.write(`done ${sent}\n`);
    }
  }, 2);
});
process.on('SIGTERM', () => wss.close(() => process.exit(0)));
