// The desk: the engine's composition root. Electron's main process and the headless server
// both host exactly this object; everything they expose goes through it.
import { AlertEngine, type AlertEngineOptions } from './alerts/engine';
import { seedDemoBook } from './demo/seed';
import { EventBus } from './events';
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
}

export class Desk {
  readonly startedAt: number;
  readonly events: EventBus;
  /** Thresholds, evaluation and the alert lifecycle; other parts register transition hooks on it. */
  readonly alerts: AlertEngine;

  private constructor(
    readonly store: Store,
    readonly clock: Clock,
    readonly logger: Logger,
    opts: DeskOptions,
  ) {
    this.startedAt = clock.now();
    this.events = new EventBus(logger);
    this.alerts = new AlertEngine({ store, events: this.events, clock, logger: logger.child({ module: 'alerts' }), ...opts.alerts });
    if ((opts.alertTickMs ?? 1000) > 0) this.alerts.start(opts.alertTickMs ?? 1000);
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

  async close(): Promise<void> {
    this.alerts.close();
    this.store.close();
  }
}
