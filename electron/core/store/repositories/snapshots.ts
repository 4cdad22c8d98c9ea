// Risk history: one row per portfolio per refresh cycle (`risk_snapshots`), downsampled with age.
// A high-volume table, so this repository uses prepared better-sqlite3 statements directly.
// `ts` is epoch ms; `metrics` holds the snapshot's figures as JSON, read by json_extract so a
// history query by metric and time range walks the (portfolio_id, ts) index.
import type { Statement } from 'better-sqlite3';
import { type MetricPath, type RiskMetrics, type RiskSnapshot, SCALAR_METRICS } from '../../../../shared/metrics';
import type { OpenedDatabase } from '../db';

export type SnapshotResolution = 'raw' | '5m' | '1d';

export interface HistoryPoint {
  /** Epoch ms. */
  ts: number;
  value: number | null;
  resolution: SnapshotResolution;
  stale: boolean;
}

/** What the `metrics` column holds: the figures, the null reasons and T. */
type StoredFigures = RiskMetrics & Pick<RiskSnapshot, 'null_reasons' | 'observations'>;

function figures(s: RiskSnapshot): StoredFigures {
  const out = { concentration_risk: s.concentration_risk, null_reasons: s.null_reasons, observations: s.observations } as StoredFigures;
  for (const m of SCALAR_METRICS) out[m] = s[m];
  return out;
}

/** `$.var_95`, `$.concentration_risk.hhi`: only ever built from a validated MetricPath. */
function jsonPath(path: MetricPath): string {
  return `$.${path}`;
}

export class SnapshotRepository {
  private readonly insert: Statement;
  private readonly historyStatement: Statement;
  private readonly latestStatement: Statement;

  constructor(private readonly sqlite: OpenedDatabase['sqlite']) {
    this.insert = sqlite.prepare('insert into risk_snapshots (portfolio_id, ts, resolution, as_of, stale, metrics) values (?, ?, ?, ?, ?, ?)');
    this.historyStatement = sqlite.prepare(
      `select ts, json_extract(metrics, ?) as value, resolution, stale from risk_snapshots
       where portfolio_id = ? and ts >= ? and ts < ? order by ts desc limit ?`,
    );
    this.latestStatement = sqlite.prepare('select ts, as_of, stale, metrics from risk_snapshots where portfolio_id = ? order by ts desc limit 1');
  }

  /** Writes one row per snapshot (at its own timestamp) in one transaction. */
  insertMany(snapshots: readonly RiskSnapshot[]): void {
    this.sqlite.transaction(() => {
      for (const s of snapshots) this.insert.run(s.portfolio_id, Date.parse(s.timestamp), 'raw', s.as_of, s.stale ? 1 : 0, JSON.stringify(figures(s)));
    })();
  }

  /** The most recent stored snapshot of a portfolio. */
  latest(portfolioId: string): RiskSnapshot | undefined {
    const row = this.latestStatement.get(portfolioId) as { ts: number; as_of: string; stale: number; metrics: string } | undefined;
    if (!row) return undefined;
    return { ...(JSON.parse(row.metrics) as StoredFigures), portfolio_id: portfolioId, as_of: row.as_of, timestamp: new Date(row.ts).toISOString(), stale: row.stale === 1 };
  }

  /** One metric over [sinceMs, untilMs), oldest first; at most `limit` points (the most recent ones). */
  history(portfolioId: string, path: MetricPath, sinceMs: number, untilMs: number, limit = 10_000): HistoryPoint[] {
    const rows = this.historyStatement.all(jsonPath(path), portfolioId, sinceMs, untilMs, limit) as { ts: number; value: number | null; resolution: SnapshotResolution; stale: number }[];
    return rows.reverse().map((r) => ({ ts: r.ts, value: r.value, resolution: r.resolution, stale: r.stale === 1 }));
  }

  /** The oldest `ts` among rows at the given resolutions, if any. */
  oldest(resolutions: readonly SnapshotResolution[]): number | undefined {
    const row = this.sqlite.prepare(`select min(ts) as ts from risk_snapshots where resolution in (${resolutions.map(() => '?').join(', ')})`).get(...resolutions) as { ts: number | null };
    return row.ts ?? undefined;
  }

  /**
   * Downsamples rows at `from` resolutions with ts in [fromMs, untilMs) to one row per portfolio
   * per `bucketMs` bucket: the last snapshot of each bucket is kept (relabelled `to`), the rest
   * deleted. Callers align fromMs/untilMs to bucket boundaries so no bucket is split.
   * Returns the number of rows deleted.
   */
  downsample(from: readonly SnapshotResolution[], to: SnapshotResolution, bucketMs: number, fromMs: number, untilMs: number): number {
    const placeholders = from.map(() => '?').join(', ');
    return this.sqlite.transaction(() => {
      this.sqlite
        .prepare(
          `update risk_snapshots set resolution = ? where id in (
             select id from (
               select id, row_number() over (partition by portfolio_id, ts / cast(? as integer) order by ts desc, id desc) as rn
               from risk_snapshots where resolution in (${placeholders}) and ts >= ? and ts < ?
             ) where rn = 1)`,
        )
        .run(to, bucketMs, ...from, fromMs, untilMs);
      return this.sqlite.prepare(`delete from risk_snapshots where resolution in (${placeholders}) and ts >= ? and ts < ?`).run(...from, fromMs, untilMs).changes;
    })();
  }

  /** Deletes every snapshot older than beforeMs. */
  deleteBefore(beforeMs: number): number {
    return this.sqlite.prepare('delete from risk_snapshots where ts < ?').run(beforeMs).changes;
  }

  countByResolution(portfolioId?: string): Record<SnapshotResolution, number> {
    const rows = (
      portfolioId
        ? this.sqlite.prepare('select resolution, count(*) as n from risk_snapshots where portfolio_id = ? group by resolution').all(portfolioId)
        : this.sqlite.prepare('select resolution, count(*) as n from risk_snapshots group by resolution').all()
    ) as { resolution: SnapshotResolution; n: number }[];
    const out: Record<SnapshotResolution, number> = { raw: 0, '5m': 0, '1d': 0 };
    for (const r of rows) out[r.resolution] = r.n;
    return out;
  }
}
