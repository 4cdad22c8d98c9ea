#!/usr/bin/env python3
"""The metrics of docs/metrics.md, vectorised with pandas/numpy: the yardstick `npm run bench -- metrics`
times `risk-desk metrics` against, and a second implementation its figures are checked with.

usage: metrics_pandas.py --prices FILE --positions FILE [--portfolios FILE] [--window N]
                         [--periods-per-year A] [--risk-free RF] [--mar MAR]
Prints a JSON array like `risk-desk metrics --format json` (metric names, nested concentration_risk).
"""
import argparse
import json
import math
import sys

import numpy as np
import pandas as pd

Z95 = -1.6448536269514729
Z99 = -2.3263478740408408
LAMBDA = 0.94


def read_prices(path):
    head = pd.read_csv(path, nrows=0).columns.str.strip().str.lower()
    if "symbol" in head and "close" in head:
        long = pd.read_csv(path, dtype={"symbol": str})
        long.columns = long.columns.str.strip().str.lower()
        return long.pivot(index="date", columns="symbol", values="close").sort_index()
    return pd.read_csv(path, index_col="date").sort_index()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--prices", required=True)
    ap.add_argument("--positions", required=True)
    ap.add_argument("--portfolios")
    ap.add_argument("--window", type=int, default=252)
    ap.add_argument("--periods-per-year", type=float, default=252)
    ap.add_argument("--risk-free", type=float, default=0.0)
    ap.add_argument("--mar", type=float, default=0.0)
    a = ap.parse_args()

    prices = read_prices(a.prices).ffill()
    positions = pd.read_csv(a.positions, dtype={"portfolio_id": str, "symbol": str})
    if a.portfolios:
        pf = pd.read_csv(a.portfolios, dtype={"portfolio_id": str})
        ids = list(pf["portfolio_id"])
        given_nav = pf["nav"].to_numpy(dtype=float)
    else:
        ids = list(dict.fromkeys(positions["portfolio_id"]))
        given_nav = np.full(len(ids), np.nan)

    returns = (prices / prices.shift(1) - 1).iloc[1:].fillna(0.0)  # no earlier close: return 0
    window = returns.iloc[-a.window:].to_numpy()  # T x S
    T = window.shape[0]
    last = prices.iloc[-1]

    # Market values as a dense portfolios x symbols matrix.
    col = pd.Index(prices.columns).get_indexer(positions["symbol"])
    row = pd.Index(ids).get_indexer(positions["portfolio_id"])
    mv = np.zeros((len(ids), prices.shape[1]))
    mv[row, col] = positions["quantity"].to_numpy(dtype=float) * last.to_numpy()[col]
    net = mv.sum(axis=1)
    nav = np.where(np.isnan(given_nav), net, given_nav)
    absmv = np.abs(mv)
    gross = absmv.sum(axis=1)

    r = (window @ mv.T) / nav  # T x P portfolio returns
    A = a.periods_per_year
    var95 = np.percentile(r, 5, axis=0)
    var99 = np.percentile(r, 1, axis=0)
    srt = np.sort(r, axis=0)
    cvar95 = srt[: math.floor((T - 1) * 0.05) + 1].mean(axis=0)
    cvar99 = srt[: math.floor((T - 1) * 0.01) + 1].mean(axis=0)
    mu = r.mean(axis=0)
    sd = r.std(axis=0, ddof=1)
    weights = LAMBDA ** np.arange(T - 1, -1, -1)
    ewma = np.sqrt((r * r * weights[:, None]).sum(axis=0) / weights.sum()) * math.sqrt(A)
    wealth = np.cumprod(1 + r, axis=0)
    peak = np.maximum(np.maximum.accumulate(wealth, axis=0), 1.0)
    mdd = np.minimum(((wealth - peak) / peak).min(axis=0), 0.0)
    ex = r - a.risk_free
    sharpe = ex.mean(axis=0) / ex.std(axis=0, ddof=1) * math.sqrt(A)
    down = np.sqrt((np.minimum(r - a.mar, 0) ** 2).mean(axis=0))
    sortino = (r - a.mar).mean(axis=0) * A / (down * math.sqrt(A))
    cagr = wealth[-1] ** (A / T) - 1
    d = r - mu
    m2 = (d**2).mean(axis=0)
    skew = (d**3).mean(axis=0) / m2**1.5
    kurt = (d**4).mean(axis=0) / m2**2 - 3

    def cf(z):
        zc = z + (z * z - 1) * skew / 6 + (z**3 - 3 * z) * kurt / 24 - (2 * z**3 - 5 * z) * skew**2 / 36
        return mu + zc * sd

    top5 = -np.sort(-absmv, axis=1)[:, :5].sum(axis=1)
    hhi = ((absmv / gross[:, None]) ** 2).sum(axis=1)

    def num(x):
        x = float(x)
        return x if math.isfinite(x) else None

    out = []
    for i, pid in enumerate(ids):
        m = {
            "portfolio_id": pid,
            "as_of": str(prices.index[-1]),
            "observations": T,
            "var_95": var95[i], "var_99": var99[i], "cvar_95": cvar95[i], "cvar_99": cvar99[i],
            "parametric_var_95": mu[i] + Z95 * sd[i], "parametric_var_99": mu[i] + Z99 * sd[i],
            "cornish_fisher_var_95": cf(Z95)[i], "cornish_fisher_var_99": cf(Z99)[i],
        }
        for k in ["var_95", "var_99", "cvar_95", "cvar_99", "parametric_var_95", "parametric_var_99"]:
            m[k + "_amount"] = m[k] * nav[i]
        m.update({
            "volatility": sd[i] * math.sqrt(A), "ewma_volatility": ewma[i], "max_drawdown": mdd[i],
            "sharpe_ratio": sharpe[i], "sortino_ratio": sortino[i],
            "calmar_ratio": cagr[i] / abs(mdd[i]) if mdd[i] != 0 else None,
            "gross_exposure": gross[i], "net_exposure": net[i], "leverage_ratio": gross[i] / nav[i], "nav": nav[i],
        })
        m = {k: (v if isinstance(v, str) or v is None else num(v)) for k, v in m.items()}
        m["observations"] = T
        m["concentration_risk"] = {
            "max_position": num(absmv[i].max() / nav[i]), "hhi": num(hhi[i]),
            "effective_positions": num(1 / hhi[i]), "top5": num(top5[i] / gross[i]),
        }
        out.append(m)
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
