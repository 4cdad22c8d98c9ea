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

/** An opaque handle from Timers.setTimeout. */
export type TimerHandle = unknown;

/** Scheduling. The monitor's coalescing, cycles and stale checks run on it, so tests drive them with ManualTimers instead of sleeping. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/**
 * Node's timers, except that 0 ms (or less) runs in the check phase right after the current I/O
 * (setImmediate) instead of waiting for Node's 1 ms timer minimum: the monitor's first flush after
 * a tick should not cost a millisecond of latency for nothing.
 */
export const systemTimers: Timers = {
  setTimeout: (fn, ms) => (ms > 0 ? setTimeout(fn, ms) : { immediate: setImmediate(fn) }),
  clearTimeout: (handle) => {
    if (handle && typeof handle === 'object' && 'immediate' in handle) clearImmediate((handle as { immediate: NodeJS.Immediate }).immediate);
    else clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

/** Schedules fn once after ms on the given timers; returns a function that cancels it. */
export function scheduleOnce(timers: Timers, fn: () => void, ms: number): () => void {
  const handle = timers.setTimeout(fn, ms);
  return () => timers.clearTimeout(handle);
}

/** Timers driven by a ManualClock: `advance(ms)` moves the clock and runs every timer that falls due, in due order. */
export class ManualTimers implements Timers {
  private seq = 0;
  private readonly due = new Map<number, { at: number; fn: () => void }>();

  constructor(readonly clock: ManualClock) {}

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = ++this.seq;
    this.due.set(id, { at: this.clock.now() + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.due.delete(handle as number);
  }

  /** Timers still scheduled. */
  pending(): number {
    return this.due.size;
  }

  /** Moves the clock forward by ms, running each timer at its due time (timers set by timers run too, if due). */
  advance(ms: number): void {
    const until = this.clock.now() + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.due) if (entry[1].at <= until && (!next || entry[1].at < next[1].at || (entry[1].at === next[1].at && entry[0] < next[0]))) next = entry;
      if (!next) break;
      this.due.delete(next[0]);
      if (next[1].at > this.clock.now()) this.clock.set(next[1].at);
      next[1].fn();
    }
    this.clock.set(until);
  }

  /** Runs the timers due now (0 ms timers included) without moving the clock. */
  runDue(): void {
    this.advance(0);
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
  /** The alert it is about, if any: in the desktop app a click opens it. */
  alertId?: number;
}

/** Shows desktop notifications: node-notifier headless, Electron's Notification in the shell. */
export interface DesktopNotifier {
  show(n: DesktopNotification): Promise<void>;
}
