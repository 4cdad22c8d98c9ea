// The desk: the engine's composition root. Electron's main process and the headless server
// both host exactly this object; everything they expose goes through it.
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
}

export class Desk {
  readonly startedAt: number;
  readonly events: EventBus;

  private constructor(
    readonly store: Store,
    readonly clock: Clock,
    readonly logger: Logger,
  ) {
    this.startedAt = clock.now();
    this.events = new EventBus(logger);
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
    return new Desk(store, clock, logger);
  }

  async close(): Promise<void> {
    this.store.close();
  }
}
