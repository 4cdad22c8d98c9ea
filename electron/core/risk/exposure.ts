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

/** Exposure figures of one portfolio. `mv` holds one market value per position (any order). */
export function exposure(mv: Float64Array): Exposure {
  let gross = 0;
  let net = 0;
  // The five largest |MV|, descending: a fixed buffer beats sorting a 100-position book on every tick.
  const top = [0, 0, 0, 0, 0];
  for (let i = 0; i < mv.length; i++) {
    const a = Math.abs(mv[i]);
    gross += a;
    net += mv[i];
    if (a > top[4]) {
      let j = 4;
      while (j > 0 && top[j - 1] < a) {
        top[j] = top[j - 1];
        j--;
      }
      top[j] = a;
    }
  }
  let hhi = 0;
  for (let i = 0; i < mv.length; i++) {
    const s = Math.abs(mv[i]) / gross;
    hhi += s * s;
  }
  return { gross, net, largest: top[0], hhi: gross > 0 ? hhi : NaN, top5: gross > 0 ? (top[0] + top[1] + top[2] + top[3] + top[4]) / gross : NaN };
}
