// The desk: the engine's composition root. Electron's main process and the headless server
// both host exactly this object; everything they expose goes through it.
import { AlertEngine, type AlertEngineOptions } from './alerts/engine';
import { seedDemoBook } from './demo/seed';
import { EventBus } from './events';
import type { Feed } from './monitor/feed';
import { createFeed, type FeedSpec } from './monitor/feeds';
import { Monitor, type MonitorSettings } from './monitor/monitor';
import { type Clock, type Logger, silentLogger, systemClock, systemTimers, type Timers } from './ports';
import { Store } from './store/store';

export interface DeskOptions {
  dbFile: string;
  /** Seed the demo book into a database that holds no portfolios (default true). */
  demo?: boolean;
  clock?: Clock;
  timers?: Timers;
  logger?: Logger;
  /** Alert engine settings (flap guard, acknowledgement timeout, persist interval). */
  alerts?: Pick<AlertEngineOptions, 'flap' | 'ackTimeoutMinutes' | 'persistIntervalMs' | 'maxSnapshotAgeMs'>;
  /** How often the alert engine runs its timers; 0 = never (tests call desk.alerts.tick()). Default 1000 ms. */
  alertTickMs?: number;
  /** The market-data feed: a URL, a replay file, or (default) the simulated feed. */
  feed?: FeedSpec;
  /** Live monitoring settings (cycle, stale limit, coalescing, cache, retention). */
  monitor?: MonitorSettings;
  /** Start the monitor (feed, cycles) on open (default true). When false, `desk.monitor.start()` starts it. */
  live?: boolean;
}

export class Desk {
  readonly startedAt: number;
  readonly events: EventBus;
  /** Thresholds, evaluation and the alert lifecycle; other parts register transition hooks on it. */
  readonly alerts: AlertEngine;
  /** The live loop: latest snapshots, history, feed status, shocks, position changes. */
  readonly monitor: Monitor;

  private constructor(
    readonly store: Store,
    readonly clock: Clock,
    readonly logger: Logger,
    opts: DeskOptions,
    feed: Feed,
  ) {
    this.startedAt = clock.now();
    this.events = new EventBus(logger);
    // The alert engine subscribes to metrics first, so it sees the monitor's first cycle.
    this.alerts = new AlertEngine({ store, events: this.events, clock, logger: logger.child({ module: 'alerts' }), ...opts.alerts });
    if ((opts.alertTickMs ?? 1000) > 0) this.alerts.start(opts.alertTickMs ?? 1000);
    this.monitor = new Monitor({ store, events: this.events, clock, logger, feed, timers: opts.timers ?? systemTimers }, opts.monitor);
  }

  static open(opts: DeskOptions): Desk {
    const clock = opts.clock ?? systemClock;
    const logger = opts.logger ?? silentLogger;
    // The feed first: a bad feed URL or replay file fails before the database is touched.
    const feed = createFeed(opts.feed ?? {}, { clock, logger, timers: opts.timers ?? systemTimers });
    const store = Store.open(opts.dbFile, clock);
    let desk: Desk | undefined;
    try {
      if ((opts.demo ?? true) && store.book.countPortfolios() === 0) {
        seedDemoBook(store);
        logger.info({ db: opts.dbFile }, 'seeded the demo book');
      }
      desk = new Desk(store, clock, logger, opts, feed);
      if (opts.live ?? true) desk.monitor.start();
      return desk;
    } catch (err) {
      desk?.alerts.close();
      store.close();
      throw err;
    }
  }

  async close(): Promise<void> {
    // The monitor first: no metrics reach the alert engine once it is closed.
    await this.monitor.stop();
    this.alerts.close();
    this.store.close();
  }
}
