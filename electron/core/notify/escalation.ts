// The escalation loop: fires due timers (rows in escalation_events), once each, even after a
// restart (overdue steps fire on the first pass; a conditional update makes a second firing
// impossible). A watchdog raises a `system` warning when a step fires more than a minute late.
import type { EventBus } from '../events';
import { scheduleOnce, type Clock, type Logger, type Timers } from '../ports';
import type { Store } from '../store/store';
import { errorText } from './channels/types';
import type { FiredStep, NotificationPlanner } from './planner';

/** A step firing later than this raises a `system` warning. */
export const LATE_STEP_MS = 60_000;

export interface EscalationLoopOptions {
  pollMs?: number;
}

export class EscalationLoop {
  private running = false;
  private cancelTimer: (() => void) | null = null;
  private readonly pollMs: number;

  constructor(
    private readonly store: Store,
    private readonly planner: NotificationPlanner,
    private readonly events: EventBus,
    private readonly clock: Clock,
    private readonly timers: Timers,
    private readonly logger: Logger,
    /** Called after steps fired (their rows are committed): wakes the sender. */
    private readonly onFired: () => void,
    opts: EscalationLoopOptions = {},
  ) {
    this.pollMs = opts.pollMs ?? 1_000;
  }

  start(): void {
    this.running = true;
    this.schedule(0);
  }

  stop(): void {
    this.running = false;
    this.cancelTimer?.();
    this.cancelTimer = null;
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    this.cancelTimer = scheduleOnce(this.timers, () => {
      this.cancelTimer = null;
      try {
        this.pass();
      } catch (err) {
        this.logger.error({ err: errorText(err) }, 'escalation pass failed');
        this.events.emit('system', { level: 'error', message: `escalation timers failed: ${errorText(err)}`, at: new Date(this.clock.now()).toISOString() });
      }
      this.schedule(this.pollMs);
    }, ms);
  }

  /** Fires every due timer; returns the steps that fired. */
  pass(): FiredStep[] {
    const fired: FiredStep[] = [];
    for (;;) {
      const due = this.store.escalation.due(new Date(this.clock.now()).toISOString());
      if (due.length === 0) break;
      for (const t of due) {
        const f = this.store.transaction(() => this.planner.fireTimer(t));
        if (f) fired.push(f);
      }
    }
    if (fired.length) {
      this.onFired();
      for (const f of fired) this.announce(f);
    }
    return fired;
  }

  /** Publishes a fired step (after its transaction committed), and the watchdog's warning if it was late. */
  announce(f: FiredStep): void {
    const at = new Date(f.firedAt).toISOString();
    this.events.emit('escalation', { alertId: f.alertId, portfolioId: f.portfolioId, step: f.step, level: f.level, channel: f.channels.join('+'), recipients: f.recipients, at });
    const late = f.firedAt - f.dueAt;
    if (late > LATE_STEP_MS) {
      const message = `escalation step ${f.step} (${f.level}) of alert ${f.alertId} fired ${Math.round(late / 1000)} s late (due ${new Date(f.dueAt).toISOString()})`;
      this.logger.warn({ alertId: f.alertId, step: f.step, lateMs: late }, 'escalation step late');
      this.events.emit('system', { level: 'warning', message, at });
    }
  }
}
