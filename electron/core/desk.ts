// The desk: the engine's composition root. Electron's main process and the headless server
// both host exactly this object; everything they expose goes through it.
import { AlertEngine, type AlertEngineOptions } from './alerts/engine';
import { CONFIG_ENTITIES, configChanges } from './config-changes';
import { seedDemoBook } from './demo/seed';
import { EventBus } from './events';
import { NotifyService, type NotifyOptions } from './notify/service';
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
  /** Channels, secrets, desktop notifier and timers of the notifier. */
  notify?: NotifyOptions;
  /** Start the outbox sender and the escalation timers (default true; tests drive their passes by hand). */
  startNotify?: boolean;
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
  /** Notifications and escalation, hooked into the alert engine's transitions. */
  readonly notify: NotifyService;
  /** The live loop: latest snapshots, history, feed status, shocks, position changes. */
  readonly monitor: Monitor;
  private readonly stopConfigChanges: () => void;

  private constructor(
    readonly store: Store,
    readonly clock: Clock,
    readonly logger: Logger,
    opts: DeskOptions,
    feed: Feed,
  ) {
    this.startedAt = clock.now();
    this.events = new EventBus(logger);
    // Every configuration change, whoever writes it, is announced once committed (clients reload that slice).
    this.stopConfigChanges = store.audit.onCommitted(CONFIG_ENTITIES, (records) => {
      try {
        for (const change of configChanges(records)) this.events.emit('config_changed', change);
      } catch (err) {
        logger.error({ err }, 'configuration change not announced');
      }
    });
    // The alert engine subscribes to metrics first, so it sees the monitor's first cycle.
    this.alerts = new AlertEngine({ store, events: this.events, clock, logger: logger.child({ module: 'alerts' }), ...opts.alerts });
    this.notify = new NotifyService({ store, clock, logger, events: this.events }, opts.notify);
    // Registered before the alert engine runs, so no transition goes unnotified.
    this.alerts.addTransitionHook(this.notify.transitionHook);
    this.alerts.addTimelineSource('notify', (alert) => this.notify.alertTimeline(alert.id));
    if ((opts.alertTickMs ?? 1000) > 0) this.alerts.start(opts.alertTickMs ?? 1000);
    if (opts.startNotify ?? true) this.notify.start();
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
      if (desk) void desk.notify.stop();
      store.close();
      throw err;
    }
  }

  /**
   * Stops the monitor (no more metrics), the alert engine, then the notifier (deliveries under
   * way finish; queued rows wait in the outbox for the next start), then closes the store.
   */
  async close(): Promise<void> {
    // The monitor first: no metrics reach the alert engine once it is closed.
    await this.monitor.stop();
    this.alerts.close();
    await this.notify.stop();
    this.stopConfigChanges();
    this.store.close();
  }
}
