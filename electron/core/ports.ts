// The engine's ports: the side effects it depends on, behind interfaces small enough
// that tests substitute fakes of *our own* ports (never of the code under test).
import pino from 'pino';

/** Wall-clock time. Tests inject a manual clock to drive pending durations, timers and retention. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(private t = Date.parse('2026-01-02T14:00:00.000Z')) {}
  now(): number {
    return this.t;
  }
  set(ms: number): void {
    this.t = ms;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export type LogFields = Record<string, unknown>;

/** Structured logging. Secrets never go into fields. */
export interface Logger {
  debug(fields: LogFields, msg: string): void;
  info(fields: LogFields, msg: string): void;
  warn(fields: LogFields, msg: string): void;
  error(fields: LogFields, msg: string): void;
  child(bindings: LogFields): Logger;
}

/** JSON lines on stderr (stdout stays free for CLI output), level from RISK_DESK_LOG_LEVEL. */
export function createLogger(level = process.env.RISK_DESK_LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, redact: { paths: ['*.password', '*.token', '*.secret', '*.authToken'], censor: '[redacted]' } }, pino.destination(2));
}

/** A logger that drops everything (tests that don't read logs). */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};

/** Deferred callbacks. The engine's loops schedule through this so tests can step them with a ManualClock. */
export interface Timers {
  /** Runs fn once after ms; returns a function that cancels it. */
  set(fn: () => void, ms: number): () => void;
}

export const systemTimers: Timers = {
  set(fn, ms) {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

/** Timers that fire only when a test moves its ManualClock through them (advance). */
export class ManualTimers implements Timers {
  private seq = 0;
  private pending: { id: number; due: number; fn: () => void }[] = [];

  constructor(readonly clock: ManualClock) {}

  set(fn: () => void, ms: number): () => void {
    const id = ++this.seq;
    this.pending.push({ id, due: this.clock.now() + Math.max(0, ms), fn });
    return () => {
      this.pending = this.pending.filter((p) => p.id !== id);
    };
  }

  /** How many callbacks wait. */
  get size(): number {
    return this.pending.length;
  }

  /** Moves the clock forward by ms, firing every callback that falls due on the way, in due order. */
  advance(ms: number): void {
    const target = this.clock.now() + ms;
    for (;;) {
      this.pending.sort((a, b) => a.due - b.due || a.id - b.id);
      const next = this.pending[0];
      if (!next || next.due > target) break;
      this.pending.shift();
      this.clock.set(Math.max(this.clock.now(), next.due));
      next.fn();
    }
    this.clock.set(target);
  }
}

/**
 * Secrets saved from the dashboard (SMTP password, Twilio token). Never logged, never returned
 * by the API, never stored in plain text in the database. Electron's shell implements it with
 * safeStorage; headless, MemorySecretStore keeps them for the process lifetime (environment
 * variables are the durable way to configure secrets there).
 */
export interface SecretStore {
  get(name: string): string | undefined;
  /** null clears. */
  set(name: string, value: string | null): void;
  has(name: string): boolean;
}

export class MemorySecretStore implements SecretStore {
  private readonly values = new Map<string, string>();
  get(name: string): string | undefined {
    return this.values.get(name);
  }
  set(name: string, value: string | null): void {
    if (value === null || value === '') this.values.delete(name);
    else this.values.set(name, value);
  }
  has(name: string): boolean {
    return this.values.has(name);
  }
}

/** A desktop notification. Best effort: the OS may drop it (do-not-disturb, no notification daemon). */
export interface DesktopNotification {
  title: string;
  body: string;
  urgency: 'low' | 'normal' | 'critical';
}

/** Shows desktop notifications: node-notifier headless, Electron's Notification in the shell. */
export interface DesktopNotifier {
  show(n: DesktopNotification): Promise<void>;
}
