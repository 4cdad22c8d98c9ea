// `risk-desk`: the command line (docs/cli.md). Every command has --help; bad input exits non-zero
// with one line naming what and where.
import { Command, InvalidArgumentError, Option } from 'commander';
import { importBook } from '../core/book/importer';
import { InputError } from '../core/book/types';
import { defaultDbFile } from '../core/config';
import { Desk } from '../core/desk';
import { createLogger } from '../core/ports';
import { Store } from '../core/store/store';
import { APP_VERSION } from '../core/version';
import { startServer } from './server';

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a number above 0');
  return n;
}

function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a number of at least 0');
  return n;
}

function cycleSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 10 || n > 300) throw new InvalidArgumentError('must be a number of seconds from 10 to 300');
  return n;
}

/** RISK_CACHE_DURATION: whole seconds, at least 1. */
function cacheSeconds(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.RISK_CACHE_DURATION;
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`RISK_CACHE_DURATION: "${raw}" must be a whole number of seconds, at least 1`);
  return n;
}

interface ServeOptions {
  port: number;
  host: string;
  db?: string;
  demo: boolean;
  feed?: string;
  replay?: string;
  speed?: number;
  ticksPerSecond?: number;
  cycleSeconds: number;
  staleSeconds: number;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be an integer from 0 to 65535');
  return n;
}

/** Prints one clear line and exits non-zero. */
function fail(err: unknown): never {
  const msg = err instanceof InputError ? err.message : err instanceof Error ? err.message : String(err);
  process.stderr.write(`risk-desk: ${msg}\n`);
  process.exit(err instanceof InputError ? 2 : 1);
}

export function buildCli(): Command {
  const program = new Command('risk-desk')
    .description('Real-time portfolio risk monitoring, alerting and escalation')
    .version(APP_VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ outputError: (str, write) => write(`risk-desk: ${str.replace(/^error: /, '')}`) });

  program
    .command('serve')
    .description('run the engine headless and serve the dashboard and the API')
    .addOption(new Option('--port <n>', 'port to listen on (0 picks a free one)').argParser(port).env('WEBSOCKET_PORT').default(8000))
    .addOption(new Option('--host <addr>', 'address to bind').default('127.0.0.1'))
    .addOption(new Option('--db <file>', 'SQLite database (created and migrated if new)').env('RISK_DESK_DB'))
    .addOption(new Option('--feed <url>', 'market-data feed: ws://HOST:PORT/PATH or redis://HOST:PORT/DB#CHANNEL (default: the simulated feed)').env('RISK_DESK_FEED'))
    .addOption(new Option('--replay <file>', 'replay a price CSV (date,symbol,close or wide) as the feed'))
    .addOption(new Option('--speed <n>', 'replay speed: times faster than real time (86400 = one day per second)').argParser(positiveNumber))
    .addOption(new Option('--ticks-per-second <n>', 'simulated feed: ticks per second across the book (default 20)').argParser(nonNegativeNumber))
    .addOption(new Option('--cycle-seconds <n>', 'seconds between refresh cycles that store a snapshot per portfolio (10-300)').argParser(cycleSeconds).default(30))
    .addOption(new Option('--stale-seconds <n>', 'mark a portfolio stale when a held symbol or the feed is silent this long').argParser(positiveNumber).default(120))
    .addOption(new Option('--jwt-secret <secret>', 'HS256 secret for API tokens').env('WEBSOCKET_JWT_SECRET'))
    .option('--no-demo', 'do not seed the demo book into an empty database')
    .addHelpText(
      'after',
      '\nFeeds: with no --feed or --replay the simulated feed runs (a seeded random walk from the book\'s last prices).\nREDIS_URL caches the latest snapshots in Redis for RISK_CACHE_DURATION seconds (default 60). See docs/feeds.md.',
    )
    .action(async (opts: ServeOptions, cmd: Command) => {
      const logger = createLogger();
      if (opts.speed !== undefined && !opts.replay) fail(new Error('--speed applies only with --replay FILE'));
      // Flags win over the environment: --replay replaces a feed set by RISK_DESK_FEED.
      if (opts.replay && opts.feed) {
        if (cmd.getOptionValueSource('feed') === 'env') opts.feed = undefined;
        else fail(new Error('give either --feed or --replay, not both'));
      }
      let desk: Desk;
      try {
        desk = Desk.open({
          dbFile: opts.db ?? defaultDbFile(),
          demo: opts.demo,
          logger,
          feed: { url: opts.feed, replay: opts.replay ? { file: opts.replay, speed: opts.speed } : undefined, ticksPerSecond: opts.ticksPerSecond },
          monitor: { cycleSeconds: opts.cycleSeconds, staleSeconds: opts.staleSeconds, redisUrl: process.env.REDIS_URL || undefined, cacheSeconds: cacheSeconds(process.env) },
        });
      } catch (err) {
        fail(err);
      }
      const server = await startServer(desk, { host: opts.host, port: opts.port }).catch(fail);
      process.stdout.write(`listening on ${server.url}\n`);
      const shutdown = async () => {
        await server.close();
        await desk.close();
        process.exit(0);
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    });

  program
    .command('import')
    .description('load CSV files into a database in one transaction (all rows land or none)')
    .requiredOption('--db <file>', 'SQLite database (created and migrated if new)')
    .option('--prices <file>', 'prices: date,symbol,close (long) or date,SYM1,SYM2,... (wide)')
    .option('--positions <file>', 'positions: portfolio_id,symbol,quantity')
    .option('--portfolios <file>', 'portfolios: portfolio_id,name,nav[,currency]')
    .action((opts: { db: string; prices?: string; positions?: string; portfolios?: string }) => {
      if (!opts.prices && !opts.positions && !opts.portfolios) fail(new Error('import: give at least one of --prices, --positions, --portfolios'));
      let store: Store | undefined;
      try {
        store = Store.open(opts.db);
        const s = importBook(store, opts);
        process.stdout.write(`imported ${s.portfolios} portfolios, ${s.prices} prices for ${s.symbols} symbols, ${s.positions} positions into ${opts.db}\n`);
      } catch (err) {
        fail(err);
      } finally {
        store?.close();
      }
    });

  return program;
}

export async function main(argv = process.argv): Promise<void> {
  await buildCli().parseAsync(argv);
}

if (require.main === module) void main();
