// Exposure and concentration from the positions' market values (docs/metrics.md).

export interface Exposure {
  /** sum(|MV|) */
  gross: number;
  /** sum(MV) */
  net: number;
  /** max(|MV|); 0 for no positions. */
  largest: number;
  /** sum((|MV| / gross)^2); NaN when gross is 0. */
  hhi: number;
  /** Share of gross in the 5 largest |MV|; NaN when gross is 0. */
  top5: number;
}

/** Exposure figures of one portfolio. `mv` holds one market value per position (any order). Written to `out` when given (reused on the hot path). */
export function exposure(mv: Float64Array, out?: Exposure): Exposure {
  let gross = 0;
  let net = 0;
  // The five largest |MV|, descending, in locals: no sort and no allocation on every tick.
  let t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0;
  for (let i = 0; i < mv.length; i++) {
    const a = Math.abs(mv[i]);
    gross += a;
    net += mv[i];
    if (a > t4) {
      if (a > t2) {
        t4 = t3;
        t3 = t2;
        if (a > t1) {
          t2 = t1;
          if (a > t0) {
            t1 = t0;
            t0 = a;
          } else t1 = a;
        } else t2 = a;
      } else if (a > t3) {
        t4 = t3;
        t3 = a;
      } else t4 = a;
    }
  }
  let hhi = 0;
  for (let i = 0; i < mv.length; i++) {
    const s = Math.abs(mv[i]) / gross;
    hhi += s * s;
  }
  const top5 = gross > 0 ? (t0 + t1 + t2 + t3 + t4) / gross : NaN;
  if (!(gross > 0)) hhi = NaN;
  if (!out) return { gross, net, largest: t0, hhi, top5 };
  out.gross = gross;
  out.net = net;
  out.largest = t0;
  out.hhi = hhi;
  out.top5 = top5;
  return out;
}
