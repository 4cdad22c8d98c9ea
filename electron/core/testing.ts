// Helpers for tests: temporary database files that are real SQLite files on disk.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { METRIC_PATHS, type RiskMetrics, readMetric } from '../../shared/metrics';
import type { Logger } from './ports';

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(prefix = 'risk-desk-test-'): { dir: string; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Writes a file in dir and returns its path. */
export function writeFile(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** A free TCP port on 127.0.0.1 (the OS picks it; it is released before returning). */
export async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface RedisServer {
  port: number;
  url: string;
  /** Kills the server (SIGKILL: an outage, not a shutdown) and waits for it to exit. */
  kill(): Promise<void>;
}

/**
 * Starts a real `redis-server` on a free loopback port (or the given one), with no persistence
 * (extraArgs e.g. ['--requirepass', 'pw']).
 * CI installs redis-server (.ci/run); when it is missing this fails with a message saying so.
 */
export async function startRedisServer(port?: number, extraArgs: string[] = []): Promise<RedisServer> {
  const { spawn } = await import('node:child_process');
  const p = port ?? (await freePort());
  const child = spawn('redis-server', ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (b) => (output += b));
  child.stderr!.on('data', (b) => (output += b));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start on port ${p} within 10 s:\n${output}`)), 10_000);
    child.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        err.code === 'ENOENT'
          ? new Error('redis-server is not on the PATH: the Redis tests need a real server (apt-get install redis-server; .ci/run installs it)')
          : err,
      );
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code} before it was ready:\n${output}`));
    });
    child.stdout!.on('data', () => {
      if (/Ready to accept connections/i.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return {
    port: p,
    url: `redis://127.0.0.1:${p}`,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Polls until check() returns a truthy value (returned), failing with `what` after timeoutMs. For real sockets and servers only; use ManualTimers for engine time. */
export async function waitFor<T>(check: () => T | undefined | null | false, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  fields: Record<string, unknown>;
  msg: string;
}

/** A Logger (our port) that keeps every line, so tests can read what was logged. */
export function captureLogger(lines: LogLine[] = [], bindings: Record<string, unknown> = {}): Logger & { lines: LogLine[] } {
  const at = (level: LogLine['level']) => (fields: Record<string, unknown>, msg: string) => void lines.push({ level, fields: { ...bindings, ...fields }, msg });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (b) => captureLogger(lines, { ...bindings, ...b }) };
}

/** A Logger (our port) that keeps what it is told, to assert on logs. */
export class RecordingLogger implements Logger {
  constructor(readonly lines: { level: string; fields: Record<string, unknown>; msg: string }[] = []) {}
  private add(level: string, fields: Record<string, unknown>, msg: string) {
    this.lines.push({ level, fields, msg });
  }
  debug(fields: Record<string, unknown>, msg: string) {
    this.add('debug', fields, msg);
  }
  info(fields: Record<string, unknown>, msg: string) {
    this.add('info', fields, msg);
  }
  warn(fields: Record<string, unknown>, msg: string) {
    this.add('warn', fields, msg);
  }
  error(fields: Record<string, unknown>, msg: string) {
    this.add('error', fields, msg);
  }
  child(bindings: Record<string, unknown>): Logger {
    const wrap = (level: 'debug' | 'info' | 'warn' | 'error') => (fields: Record<string, unknown>, msg: string) => this[level]({ ...bindings, ...fields }, msg);
    return { debug: wrap('debug'), info: wrap('info'), warn: wrap('warn'), error: wrap('error'), child: (more) => this.child({ ...bindings, ...more }) };
  }
  /** Everything logged, as text (errors with their message and stack). */
  text(): string {
    return this.lines
      .map((l) => JSON.stringify({ ...l, fields: l.fields }, (_k, v) => (v instanceof Error ? { message: v.message, stack: v.stack } : v)))
      .join('\n');
  }
}

/** A RiskMetrics object as the engine's figure vector (metrics.ts FIGURE order, NaN for null): the inverse of metricsOf. */
export function figuresOf(m: RiskMetrics): Float64Array {
  return Float64Array.from(METRIC_PATHS, (path) => readMetric(m, path) ?? NaN);
}
