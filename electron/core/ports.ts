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
