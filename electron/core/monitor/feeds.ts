// Choosing the feed from settings: `--feed URL` (ws://, wss://, redis://, rediss://), `--replay FILE`,
// or the simulated feed when neither is given.
import { InputError } from '../book/types';
import type { Timers } from '../ports';
import { type BackoffOptions, type Feed, type FeedDeps, redactUrl } from './feed';
import { RedisFeed } from './redis-feed';
import { ReplayFeed } from './replay-feed';
import { SimulatedFeed } from './simulated-feed';
import { WebSocketFeed } from './ws-feed';

export interface FeedSpec {
  /** A market-data URL; absent (or 'simulated') = the simulated feed. */
  url?: string;
  replay?: { file: string; speed?: number };
  /** Simulated feed only. */
  ticksPerSecond?: number;
  seed?: number;
  backoff?: BackoffOptions;
  maxMessageBytes?: number;
}

export function createFeed(spec: FeedSpec, deps: FeedDeps & { timers?: Timers }): Feed {
  const base = { ...deps, maxMessageBytes: spec.maxMessageBytes ?? deps.maxMessageBytes };
  if (spec.replay && spec.url) throw new InputError('--replay', null, null, 'give either --feed or --replay, not both');
  if (spec.ticksPerSecond !== undefined && (spec.url || spec.replay)) {
    throw new InputError('--ticks-per-second', null, null, 'applies only to the simulated feed (no --feed or --replay)');
  }
  if (spec.replay) return new ReplayFeed(spec.replay.file, { ...base, speed: spec.replay.speed });
  if (!spec.url || spec.url === 'simulated') {
    if (spec.ticksPerSecond !== undefined && !(Number.isFinite(spec.ticksPerSecond) && spec.ticksPerSecond >= 0)) {
      throw new InputError('--ticks-per-second', null, null, `"${spec.ticksPerSecond}" must be a number of at least 0`);
    }
    return new SimulatedFeed({ ...base, ticksPerSecond: spec.ticksPerSecond, seed: spec.seed });
  }
  const scheme = /^([a-z]+):\/\//i.exec(spec.url)?.[1]?.toLowerCase();
  if (scheme === 'ws' || scheme === 'wss') return new WebSocketFeed(spec.url, { ...base, backoff: spec.backoff });
  if (scheme === 'redis' || scheme === 'rediss') return new RedisFeed(spec.url, { ...base, backoff: spec.backoff });
  throw new InputError('--feed', null, null, `${redactUrl(spec.url)}: expected ws://, wss://, redis:// or rediss://`);
}
