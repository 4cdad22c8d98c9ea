// A portfolio's stored history for a set of metrics over a time range, kept live: loaded once
// per (portfolio, range), then each new snapshot for the portfolio appends a point.
import { useEffect, useRef, useState } from 'react';
import type { DeskClient } from '../../../shared/client';
import { type MetricPath, readMetric, type RiskSnapshot } from '../../../shared/metrics';
import type { Point } from '../charts/options';

export const RANGES = [
  { key: '15m', label: '15m', ms: 15 * 60_000 },
  { key: '1h', label: '1h', ms: 3600_000 },
  { key: '4h', label: '4h', ms: 4 * 3600_000 },
  { key: '1d', label: '1d', ms: 86400_000 },
  { key: '1w', label: '1w', ms: 7 * 86400_000 },
  { key: '1m', label: '1m', ms: 30 * 86400_000 },
  { key: 'all', label: 'All', ms: null },
] as const;
export type RangeKey = (typeof RANGES)[number]['key'];

/** Points kept per metric; beyond this the oldest are dropped (charts sample anyway). */
const MAX_POINTS = 20_000;

export type SeriesData = Partial<Record<MetricPath, Point[]>>;

export interface HistoryState {
  data: SeriesData;
  loading: boolean;
  error: string | null;
  /** Bumps on every change (the arrays are appended to in place). */
  version: number;
}

export function appendSnapshot(data: SeriesData, metrics: readonly MetricPath[], snap: RiskSnapshot, sinceMs: number | null): boolean {
  const t = Date.parse(snap.timestamp);
  if (!Number.isFinite(t)) return false;
  let changed = false;
  for (const m of metrics) {
    const arr = (data[m] ??= []);
    const last = arr[arr.length - 1];
    if (last && last[0] >= t) continue;
    arr.push([t, readMetric(snap, m)]);
    changed = true;
    if (sinceMs !== null) {
      let drop = 0;
      while (drop < arr.length && arr[drop][0] < sinceMs) drop++;
      if (drop) arr.splice(0, drop);
    }
    if (arr.length > MAX_POINTS) arr.splice(0, arr.length - MAX_POINTS);
  }
  return changed;
}

export function useHistory(client: DeskClient, portfolioId: string | null, metrics: readonly MetricPath[], range: RangeKey, live: RiskSnapshot | undefined): HistoryState {
  const data = useRef<SeriesData>({});
  const sinceRef = useRef<number | null>(null);
  const [state, setState] = useState<HistoryState>({ data: data.current, loading: false, error: null, version: 0 });
  const key = metrics.join(',');
  // The latest snapshot, for the history load to end with: it may have arrived before the history did.
  const liveRef = useRef(live);
  liveRef.current = live;

  useEffect(() => {
    if (!portfolioId) return;
    let cancelled = false;
    const spec = RANGES.find((r) => r.key === range)!;
    const sinceMs = spec.ms === null ? null : Date.now() - spec.ms;
    sinceRef.current = sinceMs;
    data.current = {};
    setState({ data: data.current, loading: true, error: null, version: 0 });
    const since = sinceMs === null ? undefined : new Date(sinceMs).toISOString();
    Promise.all(metrics.map((metric) => client.call('portfolios.history', { id: portfolioId, metric, since }).then((r) => [metric, r.points] as const)))
      .then((results) => {
        if (cancelled) return;
        const next: SeriesData = {};
        for (const [metric, points] of results) {
          const arr: Point[] = points.map((p) => [Date.parse(p.ts), p.value]);
          arr.sort((a, b) => a[0] - b[0]);
          next[metric] = arr.length > MAX_POINTS ? arr.slice(-MAX_POINTS) : arr;
        }
        const current = liveRef.current;
        if (current && current.portfolio_id === portfolioId) appendSnapshot(next, metrics, current, sinceMs);
        data.current = next;
        setState((s) => ({ data: next, loading: false, error: null, version: s.version + 1 }));
      })
      .catch((err: unknown) => {
        if (!cancelled) setState((s) => ({ ...s, loading: false, error: err instanceof Error ? err.message : String(err) }));
      });
    return () => {
      cancelled = true;
    };
  }, [client, portfolioId, key, range]); // `metrics` enters through `key`

  useEffect(() => {
    if (!live || !portfolioId || live.portfolio_id !== portfolioId) return;
    if (appendSnapshot(data.current, metrics, live, sinceRef.current)) setState((s) => ({ ...s, version: s.version + 1 }));
  }, [live, portfolioId, key]); // `metrics` enters through `key`

  return state;
}
