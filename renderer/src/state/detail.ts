// A portfolio's risk detail (positions with component VaR, correlation of holdings, VaR
// backtest), loaded with the view and refreshed as new figures arrive, at most every REFRESH_MS.
import { useEffect, useRef, useState } from 'react';
import type { DeskClient } from '../../../shared/client';
import type { RiskDetail } from '../../../shared/metrics';

const REFRESH_MS = 10_000;

export interface DetailState {
  detail: RiskDetail | null;
  error: string | null;
}

export function useRiskDetail(client: DeskClient, portfolioId: string | null, liveTimestamp: string | undefined): DetailState {
  const [state, setState] = useState<DetailState>({ detail: null, error: null });
  const lastLoad = useRef(0);
  const seq = useRef(0);

  const load = (id: string) => {
    const mine = ++seq.current;
    lastLoad.current = Date.now();
    client
      .call('portfolios.detail', { id })
      .then((detail) => mine === seq.current && setState({ detail: detail as RiskDetail, error: null }))
      .catch((err: unknown) => mine === seq.current && setState((s) => ({ detail: s.detail?.portfolio_id === id ? s.detail : null, error: err instanceof Error ? err.message : String(err) })));
  };

  useEffect(() => {
    if (!portfolioId) return;
    setState({ detail: null, error: null });
    load(portfolioId);
  }, [client, portfolioId]); // `load` only reads refs

  useEffect(() => {
    if (!portfolioId || !liveTimestamp || Date.now() - lastLoad.current < REFRESH_MS) return;
    load(portfolioId);
  }, [liveTimestamp]); // refreshes on new figures, throttled

  return state;
}

/** The largest holdings by absolute weight. */
export function topPositions(detail: RiskDetail, n: number): RiskDetail['positions'] {
  return [...detail.positions].filter((p) => p.weight !== null).sort((a, b) => Math.abs(b.weight!) - Math.abs(a.weight!) || a.symbol.localeCompare(b.symbol)).slice(0, n);
}

/** The holdings contributing most to the 95% historical VaR (largest loss contribution first). */
export function topComponentVar(detail: RiskDetail, n: number): { symbol: string; value: number }[] {
  return detail.positions
    .filter((p) => p.component_var.historical_95 !== null)
    .map((p) => ({ symbol: p.symbol, value: p.component_var.historical_95! }))
    .sort((a, b) => Math.abs(b.value) - Math.abs(a.value) || a.symbol.localeCompare(b.symbol))
    .slice(0, n);
}

/** The correlation matrix restricted to the given symbols (in that order). */
export function subMatrix(detail: RiskDetail, symbols: string[]): (number | null)[][] {
  const index = new Map(detail.correlation.symbols.map((s, i) => [s, i]));
  return symbols.map((a) => symbols.map((b) => (index.has(a) && index.has(b) ? (detail.correlation.matrix[index.get(a)!]?.[index.get(b)!] ?? null) : null)));
}
