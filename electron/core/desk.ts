// The desk: the engine's composition root. Electron's main process and the headless server
// both host exactly this object; everything they expose goes through it.
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
  /** Channels, secrets, desktop notifier and timers of the notifier. */
  notify?: NotifyOptions;
  /** Start the outbox sender and the escalation timers (default true; tests drive them by hand). */
  startNotify?: boolean;
}

export class Desk {
  readonly startedAt: number;
  readonly events: EventBus;
  /** Notifications and escalation: register `notify.transitionHook` with the alert engine. */
  readonly notify: NotifyService;

  private constructor(
    readonly store: Store,
    readonly clock: Clock,
    readonly logger: Logger,
    notifyOptions: NotifyOptions,
  ) {
    this.startedAt = clock.now();
    this.events = new EventBus(logger);
    this.notify = new NotifyService({ store, clock, logger, events: this.events }, notifyOptions);
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
    } catch (err) {
      store.close();
      throw err;
    }
    let desk: Desk;
    try {
      desk = new Desk(store, clock, logger, opts.notify ?? {});
      if (opts.startNotify ?? true) desk.notify.start();
    } catch (err) {
      store.close();
      throw err;
    }
    return desk;
  }

  /** Stops the notifier (deliveries under way finish, queued rows wait in the outbox for the next start), then closes the store. */
  async close(): Promise<void> {
    await this.notify.stop();
    this.store.close();
  }
}
