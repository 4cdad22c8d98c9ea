// `risk-desk`: the command line (docs/cli.md). Every command has --help; bad input exits non-zero
// with one line naming what and where.
import { Command, InvalidArgumentError, Option } from 'commander';
import { InputError } from '../core/book/types';
import { defaultDbFile, liveSettingsFromEnv } from '../core/config';
import type { Desk } from '../core/desk';
import type { Store } from '../core/store/store';
import { APP_VERSION } from '../core/version';
import { METRICS_FORMATS, type MetricsFormat, computeMetricsReport } from './metrics-report';

// The store, the server and their libraries (zod, drizzle, fastify, pino: ~0.4 s of CPU to load)
// are imported by the commands that use them, so `metrics` and `--help` start without them.

/** The printed admin link's token lives as long as a generated secret is likely to (it dies with the process). */
const GENERATED_ADMIN_TOKEN_SECONDS = 30 * 86_400;

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

function coalesceMs(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1000) throw new InvalidArgumentError('must be a number of milliseconds from 0 to 1000');
  return n;
}

function recomputeBudget(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0.05 || n > 1) throw new InvalidArgumentError('must be a share of one core from 0.05 to 1');
  return n;
}

function cycleSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 10 || n > 300) throw new InvalidArgumentError('must be a number of seconds from 10 to 300');
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
  coalesceMs: number;
  recomputeBudget: number;
  jwtSecret?: string;
  allowOrigin: string[];
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be an integer from 0 to 65535');
  return n;
}

/** A bad flag value is bad input: exit code 2, like a malformed file. */
function badValue(message: string): InvalidArgumentError {
  const err = new InvalidArgumentError(message);
  err.exitCode = 2;
  return err;
}

function wholeNumberAtLeast1(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw badValue('must be a whole number, at least 1');
  return n;
}

function numberAbove0(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw badValue('must be a number above 0');
  return n;
}

function finiteNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw badValue('must be a finite number');
  return n;
}

/** A bad flag value found after parsing: one line, exit 2 (bad input). */
function badInput(message: string): never {
  process.stderr.write(`risk-desk: ${message}\n`);
  process.exit(2);
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
    // A usage error (unknown or missing flag, bad value) is bad input: exit 2, as docs/cli.md promises.
    .exitOverride((err) => process.exit(err.exitCode === 1 && err.code.startsWith('commander.') ? 2 : err.exitCode))
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
    .addOption(new Option('--coalesce-ms <n>', 'live recomputes run at most this often per portfolio (0-1000 ms); lower is fresher and costs more CPU').argParser(coalesceMs).default(50))
    .addOption(new Option('--recompute-budget <share>', 'share of one core live recomputes may take (0.05-1); past it the coalescing windows widen').argParser(recomputeBudget).default(0.5))
    .addOption(new Option('--stale-seconds <n>', 'mark a portfolio stale when a held symbol or the feed is silent this long').argParser(positiveNumber).default(120))
    .addOption(new Option('--jwt-secret <secret>', 'HS256 secret for API tokens (prefer the environment variable: flags show in ps)').env('WEBSOCKET_JWT_SECRET'))
    .addOption(new Option('--allow-origin <origins...>', 'browser origins besides this server allowed to call the API (e.g. https://dash.example.com)').default([]))
    .option('--no-demo', 'do not seed the demo book into an empty database')
    .addHelpText(
      'after',
      '\nFeeds: with no --feed or --replay the simulated feed runs (a seeded random walk from the book\'s last prices).\nREDIS_URL caches the latest snapshots in Redis for RISK_CACHE_DURATION seconds (default 60). See docs/feeds.md.\nAPI tokens: without --jwt-secret or WEBSOCKET_JWT_SECRET a secret is generated and an admin link printed. See docs/api.md.',
    )
    .action(async (opts: ServeOptions, cmd: Command) => {
      const [{ Desk }, { createLogger }, { startServer }, { TokenAuthority }, { parseOrigins }] = await Promise.all([
        import('../core/desk'),
        import('../core/ports'),
        import('./server'),
        import('./auth'),
        import('./security'),
      ]);
      if (opts.speed !== undefined && !opts.replay) fail(new Error('--speed applies only with --replay FILE'));
      // Flags win over the environment: --replay replaces a feed set by RISK_DESK_FEED.
      if (opts.replay && opts.feed) {
        if (cmd.getOptionValueSource('feed') === 'env') opts.feed = undefined;
        else fail(new Error('give either --feed or --replay, not both'));
      }
      let allowOrigins: Set<string>;
      try {
        allowOrigins = parseOrigins(opts.allowOrigin);
      } catch (err) {
        badInput((err as Error).message);
      }
      const logger = createLogger();
      const auth = opts.jwtSecret ? TokenAuthority.fromSecret(opts.jwtSecret) : TokenAuthority.generate();
      if (auth.weak) logger.warn({}, 'the configured JWT secret is shorter than 32 bytes; use a longer random secret');
      let desk: Desk;
      try {
        const env = liveSettingsFromEnv(process.env);
        desk = Desk.open({
          dbFile: opts.db ?? defaultDbFile(),
          demo: opts.demo,
          logger,
          feed: { url: opts.feed, replay: opts.replay ? { file: opts.replay, speed: opts.speed } : undefined, ticksPerSecond: opts.ticksPerSecond },
          monitor: { cycleSeconds: opts.cycleSeconds, staleSeconds: opts.staleSeconds, coalesceMs: opts.coalesceMs, recomputeShare: opts.recomputeBudget, redisUrl: env.redisUrl, cacheSeconds: env.cacheSeconds },
        });
      } catch (err) {
        fail(err);
      }
      const server = await startServer(desk, { host: opts.host, port: opts.port, auth, allowOrigins, logger }).catch(fail);
      // No secret was configured, so nobody else can mint a token: print an admin link, as notebook
      // servers do. Signed before anything is printed, so the link arrives with the ready line.
      const adminToken = auth.generated ? await auth.sign({ sub: 'admin', role: 'admin', expiresInSeconds: GENERATED_ADMIN_TOKEN_SECONDS }) : null;
      process.stdout.write(
        `listening on ${server.url}\n` + (adminToken ? `open the dashboard as admin (valid until this server stops): ${server.url}/?token=${adminToken}\n` : ''),
      );
      let stopping = false;
      const shutdown = async () => {
        if (stopping) return;
        stopping = true;
        await server.close();
        await desk.close();
        process.exit(0);
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    });

  program
    .command('token')
    .description('mint an API token for a script or a person (needs the same secret as the server)')
    .requiredOption('--role <role>', 'what the token may do: viewer, risk_manager or admin')
    .requiredOption('--sub <name>', 'who the token is for (recorded as the actor in the audit trail)')
    .addOption(new Option('--expires <duration>', 'lifetime: a number and s, m, h or d (at most 366d)').default('8h'))
    .addOption(new Option('--jwt-secret <secret>', 'HS256 secret the server uses').env('WEBSOCKET_JWT_SECRET'))
    .action(async (opts: { role: string; sub: string; expires: string; jwtSecret?: string }) => {
      const [{ parseDuration, TokenAuthority }, { Role, ROLES }] = await Promise.all([import('./auth'), import('../../shared/domain')]);
      const role = Role.safeParse(opts.role);
      if (!role.success) badInput(`token: --role "${opts.role}" is not a role: use one of ${ROLES.join(', ')}`);
      if (opts.sub.trim() === '') badInput('token: --sub must name who the token is for');
      let expiresInSeconds: number;
      try {
        expiresInSeconds = parseDuration(opts.expires);
      } catch (err) {
        badInput(`token: --expires ${(err as Error).message}`);
      }
      if (!opts.jwtSecret) badInput('token: no secret: give --jwt-secret or set WEBSOCKET_JWT_SECRET (the one the server uses)');
      const token = await TokenAuthority.fromSecret(opts.jwtSecret).sign({ sub: opts.sub, role: role.data, expiresInSeconds });
      process.stdout.write(`${token}\n`);
    });

  program
    .command('import')
    .description('load CSV files into a database in one transaction (all rows land or none)')
    .requiredOption('--db <file>', 'SQLite database (created and migrated if new)')
    .option('--prices <file>', 'prices: date,symbol,close (long) or date,SYM1,SYM2,... (wide)')
    .option('--positions <file>', 'positions: portfolio_id,symbol,quantity')
    .option('--portfolios <file>', 'portfolios: portfolio_id,name,nav[,currency]')
    .action(async (opts: { db: string; prices?: string; positions?: string; portfolios?: string }) => {
      if (!opts.prices && !opts.positions && !opts.portfolios) fail(new Error('import: give at least one of --prices, --positions, --portfolios'));
      const [{ Store }, { importBook }] = await Promise.all([import('../core/store/store'), import('../core/book/importer')]);
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

  program
    .command('metrics')
    .description('compute every risk metric once for every portfolio of CSV files and print it')
    .requiredOption('--prices <file>', 'prices: date,symbol,close (long) or date,SYM1,SYM2,... (wide)')
    .requiredOption('--positions <file>', 'positions: portfolio_id,symbol,quantity')
    .option('--portfolios <file>', 'portfolios: portfolio_id,name,nav[,currency]; without it NAV is the net market value')
    .addOption(new Option('--window <n>', 'lookback: the last N returns').argParser(wholeNumberAtLeast1).default(252))
    .addOption(new Option('--periods-per-year <a>', 'periods per year, for annualising').argParser(numberAbove0).default(252))
    .addOption(new Option('--risk-free <rf>', 'risk-free return per period (Sharpe)').argParser(finiteNumber).default(0))
    .addOption(new Option('--mar <r>', 'minimum acceptable return per period (Sortino)').argParser(finiteNumber).default(0))
    .addOption(new Option('--format <format>', 'output format').choices(Object.keys(METRICS_FORMATS)).default('json'))
    .action(async (opts: { prices: string; positions: string; portfolios?: string; window: number; periodsPerYear: number; riskFree: number; mar: number; format: MetricsFormat }) => {
      let out: string;
      try {
        const rows = await computeMetricsReport(opts, { window: opts.window, periodsPerYear: opts.periodsPerYear, riskFree: opts.riskFree, mar: opts.mar });
        out = METRICS_FORMATS[opts.format](rows);
      } catch (err) {
        fail(err);
      }
      process.stdout.write(out);
    });

  return program;
}

export async function main(argv = process.argv): Promise<void> {
  await buildCli().parseAsync(argv);
}

if (require.main === module) void main();
