// Snapshot retention: full resolution for `rawDays`, then the last snapshot of each 5-minute
// bucket until `fiveMinuteDays`, then the last of each UTC day; optionally nothing past
// `dropAfterDays`. Work is done in small time chunks, yielding between them, so a large
// backlog never blocks the live loop for long.
import type { SnapshotRepository, SnapshotResolution } from '../store/repositories/snapshots';

export interface RetentionPolicy {
  /** Days kept at full resolution (one row per cycle). */
  rawDays: number;
  /** Days (from now) kept at 5-minute resolution; older rows keep one per day. */
  fiveMinuteDays: number;
  /** Delete everything older than this many days (null: keep daily rows forever). */
  dropAfterDays: number | null;
}

export const DEFAULT_RETENTION: RetentionPolicy = { rawDays: 7, fiveMinuteDays: 90, dropAfterDays: null };

const MINUTE = 60_000;
const FIVE_MINUTES = 5 * MINUTE;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export function validateRetention(p: RetentionPolicy): RetentionPolicy {
  const ok = (n: number) => Number.isFinite(n) && n >= 0;
  if (!ok(p.rawDays)) throw new RangeError(`retention rawDays must be a number of at least 0 (got ${p.rawDays})`);
  if (!ok(p.fiveMinuteDays) || p.fiveMinuteDays < p.rawDays) throw new RangeError(`retention fiveMinuteDays must be at least rawDays (got ${p.fiveMinuteDays})`);
  if (p.dropAfterDays !== null && (!ok(p.dropAfterDays) || p.dropAfterDays < p.fiveMinuteDays)) {
    throw new RangeError(`retention dropAfterDays must be at least fiveMinuteDays, or null (got ${p.dropAfterDays})`);
  }
  return p;
}

export interface RetentionResult {
  /** Rows folded away by downsampling to 5 minutes / to days, and rows deleted by age. */
  downsampled5m: number;
  downsampled1d: number;
  dropped: number;
}

const alignDown = (ms: number, step: number) => Math.floor(ms / step) * step;

async function fold(
  repo: SnapshotRepository,
  from: readonly SnapshotResolution[],
  to: SnapshotResolution,
  bucketMs: number,
  chunkMs: number,
  cutoff: number,
  pause: () => Promise<void>,
): Promise<number> {
  let removed = 0;
  for (;;) {
    const oldest = repo.oldest(from);
    if (oldest === undefined || oldest >= cutoff) return removed;
    const start = alignDown(oldest, bucketMs);
    removed += repo.downsample(from, to, bucketMs, start, Math.min(cutoff, alignDown(start, chunkMs) + chunkMs));
    await pause();
  }
}

/** Applies the policy as of nowMs. `pause` runs between chunks (default: yield to the event loop). */
export async function applyRetention(
  repo: SnapshotRepository,
  policy: RetentionPolicy,
  nowMs: number,
  pause: () => Promise<void> = () => new Promise((r) => setImmediate(r)),
): Promise<RetentionResult> {
  validateRetention(policy);
  const downsampled5m = await fold(repo, ['raw'], '5m', FIVE_MINUTES, HOUR, alignDown(nowMs - policy.rawDays * DAY, FIVE_MINUTES), pause);
  const downsampled1d = await fold(repo, ['raw', '5m'], '1d', DAY, DAY, alignDown(nowMs - policy.fiveMinuteDays * DAY, DAY), pause);
  const dropped = policy.dropAfterDays === null ? 0 : repo.deleteBefore(nowMs - policy.dropAfterDays * DAY);
  return { downsampled5m, downsampled1d, dropped };
}
