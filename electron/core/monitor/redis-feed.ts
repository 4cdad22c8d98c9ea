// A Redis pub/sub market-data feed: `--feed redis://[user:password@]host:port/db#channel`.
// ioredis reconnects (with our jittered backoff) and re-subscribes by itself after an outage.
import { Redis } from 'ioredis';
import { InputError } from '../book/types';
import { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF, FeedBase, type FeedDeps, type FeedSink, redactUrl } from './feed';

export interface RedisFeedOptions extends FeedDeps {
  backoff?: BackoffOptions;
  random?: () => number;
}

/** Splits `redis://host:port/db#channel` into the connection URL and the channel. */
export function parseRedisFeedUrl(url: string): { connection: string; channel: string } {
  const hash = url.indexOf('#');
  const channel = hash >= 0 ? decodeURIComponent(url.slice(hash + 1)) : '';
  if (!channel) throw new InputError('--feed', null, null, `${redactUrl(url)}: name the channel after '#', e.g. redis://localhost:6379/0#prices`);
  const connection = url.slice(0, hash);
  try {
    new URL(connection);
  } catch {
    throw new InputError('--feed', null, null, `${redactUrl(url)} is not a valid redis:// URL`);
  }
  return { connection, channel };
}

export class RedisFeed extends FeedBase {
  private client: Redis | undefined;
  private readonly connection: string;
  private readonly channel: string;

  constructor(
    url: string,
    private readonly opts: RedisFeedOptions,
  ) {
    super('redis', redactUrl(url), opts);
    ({ connection: this.connection, channel: this.channel } = parseRedisFeedUrl(url));
  }

  start(sink: FeedSink): void {
    this.sink = sink;
    this.setState('connecting');
    const client = new Redis(this.connection, {
      // Commands wait for the connection (the first SUBSCRIBE may be issued before Redis is up);
      // after an outage ioredis re-subscribes by itself.
      autoResubscribe: true,
      maxRetriesPerRequest: null,
      connectTimeout: 10_000,
      retryStrategy: (times) => backoffDelay(times - 1, this.opts.backoff ?? DEFAULT_BACKOFF, this.opts.random),
    });
    this.client = client;
    client.on('messageBuffer', (_channel: Buffer, message: Buffer) => this.receive(message));
    client.on('ready', () => {
      // 'ready' after a reconnect means ioredis has re-subscribed.
      if (this.client === client && this.currentState === 'reconnecting') this.setState('live');
    });
    client.on('close', () => {
      if (this.client === client) this.setState('reconnecting');
    });
    client.on('error', (err: Error & { code?: string }) => {
      this.logger.warn({ code: err.code ?? null, error: err.message.replace(this.connection, this.source) }, 'feed connection error');
    });
    client.subscribe(this.channel).then(
      () => {
        if (this.client === client) this.setState('live');
      },
      (err: Error) => {
        if (this.client === client) this.logger.error({ error: err.message, channel: this.channel }, 'feed subscribe failed');
      },
    );
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) {
      const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
      client.disconnect();
      if (client.status !== 'end') await ended;
    }
    this.setState('stopped');
  }
}
