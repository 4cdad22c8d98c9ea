// The desk: the engine's composition root. Electron's main process and the headless server
// both host exactly this object; everything they expose goes through it.
import { AlertEngine, type AlertEngineOptions } from './alerts/engine';
import { seedDemoBook } from './demo/seed';
import { EventBus } from './events';
import { NotifyService, type NotifyOptions } from './notify/service';
import { type Clock, type Logger, silentLogger, systemClock } from './ports';
import { Store } from './store/store';

export interface DeskOptions {
  dbFile: string;
  /** Seed the demo book into a database that holds no portfolios (default true). */
  demo?: boolean;
  clock?: Clock;
  logger?: Logger;
  /** Alert engine settings (flap guard, acknowledgement timeout, persist interval). */
  alerts?: Pick<AlertEngineOptions, 'flap' | 'ackTimeoutMinutes' | 'persistIntervalMs' | 'maxSnapshotAgeMs'>;
  /** How often the alert engine runs its timers; 0 = never (tests call desk.alerts.tick()). Default 1000 ms. */
  alertTickMs?: number;
  /** Channels, secrets, desktop notifier and timers of the notifier. */
  notify?: NotifyOptions;
  /** Start the outbox sender and the escalation timers (default true; tests drive their passes by hand). */
  startNotify?: boolean;
}

export class Desk {
  readonly startedAt: number;
  readonly events: EventBus;
  /** Thresholds, evaluation and the alert lifecycle; other parts register transition hooks on it. */
  readonly alerts: AlertEngine;
  /** Notifications and escalation, hooked into the alert engine's transitions. */
  readonly notify: NotifyService;

  private constructor(
    readonly store: Store,
    readonly clock: Clock,
    readonly logger: Logger,
    opts: DeskOptions,
  ) {
    this.startedAt = clock.now();
    this.events = new EventBus(logger);
    this.alerts = new AlertEngine({ store, events: this.events, clock, logger: logger.child({ module: 'alerts' }), ...opts.alerts });
    this.notify = new NotifyService({ store, clock, logger, events: this.events }, opts.notify);
    // Registered before the alert engine runs, so no transition goes unnotified.
    this.alerts.addTransitionHook(this.notify.transitionHook);
    this.alerts.addTimelineSource('notify', (alert) => this.notify.alertTimeline(alert.id));
    if ((opts.alertTickMs ?? 1000) > 0) this.alerts.start(opts.alertTickMs ?? 1000);
    if (opts.startNotify ?? true) this.notify.start();
  }

  static open(opts: DeskOptions): Desk {
    const clock = opts.clock ?? systemClock;
    const logger = opts.logger ?? silentLogger;
    const store = Store.open(opts.dbFile, clock);
    try {
      if ((opts.demo ?? true) && store.book.countPortfolios() === 0) {
        seedDemoBook(store);
        logger.info({ db: opts.dbFile }, 'seeded the demo book');
      }
      return new Desk(store, clock, logger, opts);
    } catch (err) {
      store.close();
      throw err;
    }
  }

  /** Stops the alert engine, then the notifier (deliveries under way finish; queued rows wait in the outbox for the next start), then closes the store. */
  async close(): Promise<void> {
    this.alerts.close();
    await this.notify.stop();
    this.store.close();
  }
}
