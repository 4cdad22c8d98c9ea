// The demo book: a seeded, reproducible desk that a first run can show without any data.
// Prices follow a factor model with fat tails (see docs/demo-book.md):
//   r[i,t] = beta_m[i] * M_t + beta_s[i] * S[sector(i), t] + e[i,t]
// where M, S and e are independent Student-t(4) draws scaled to unit variance, so holdings are
// correlated through the market and their sector, and daily moves have the fat tails desks see.
import type { Portfolio, Position } from '../../../shared/domain';
import type { PriceTable } from '../book/types';

/** mulberry32: a small, fast, well-distributed 32-bit PRNG; fully determined by its seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws (Box-Muller) from a uniform source. */
export function normalSource(uniform: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = uniform();
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/** Student-t with `dof` degrees of freedom, rescaled to unit variance (needs dof > 2). */
export function studentTSource(normal: () => number, dof: number): () => number {
  const scale = Math.sqrt((dof - 2) / dof);
  return () => {
    let chi2 = 0;
    for (let k = 0; k < dof; k++) {
      const z = normal();
      chi2 += z * z;
    }
    return (normal() / Math.sqrt(chi2 / dof)) * scale;
  };
}

type Sector = 'tech' | 'financials' | 'health' | 'energy' | 'staples' | 'industrials' | 'utilities' | 'telecom' | 'rates' | 'credit' | 'commodities' | 'broad';

export interface DemoInstrument {
  symbol: string;
  name: string;
  sector: Sector;
  assetClass: 'equity' | 'etf';
  /** Price on the first generated day. */
  start: number;
  /** Annualised volatility. */
  vol: number;
  /** Loading on the market factor (share of variance from the market is about beta^2). */
  beta: number;
  /** Loading on the sector factor. */
  sectorLoad: number;
  /** Annual drift. */
  drift: number;
}

const I = (symbol: string, name: string, sector: Sector, start: number, vol: number, beta: number, sectorLoad: number, drift = 0.08, assetClass: 'equity' | 'etf' = 'equity'): DemoInstrument => ({
  symbol,
  name,
  sector,
  assetClass,
  start,
  vol,
  beta,
  sectorLoad,
  drift,
});

export const DEMO_INSTRUMENTS: DemoInstrument[] = [
  I('AAPL', 'Apple', 'tech', 170, 0.27, 0.7, 0.45, 0.14),
  I('MSFT', 'Microsoft', 'tech', 330, 0.25, 0.7, 0.45, 0.14),
  I('NVDA', 'NVIDIA', 'tech', 48, 0.52, 0.6, 0.5, 0.35),
  I('GOOGL', 'Alphabet', 'tech', 135, 0.3, 0.65, 0.45, 0.12),
  I('AMZN', 'Amazon', 'tech', 140, 0.32, 0.65, 0.45, 0.13),
  I('META', 'Meta Platforms', 'tech', 320, 0.38, 0.6, 0.45, 0.16),
  I('TSLA', 'Tesla', 'tech', 240, 0.6, 0.5, 0.3, 0.05),
  I('AVGO', 'Broadcom', 'tech', 90, 0.4, 0.6, 0.5, 0.25),
  I('AMD', 'Advanced Micro Devices', 'tech', 110, 0.5, 0.6, 0.5, 0.1),
  I('CRM', 'Salesforce', 'tech', 210, 0.33, 0.6, 0.4, 0.08),
  I('ADBE', 'Adobe', 'tech', 520, 0.32, 0.6, 0.4, 0.02),
  I('ORCL', 'Oracle', 'tech', 110, 0.3, 0.55, 0.35, 0.15),
  I('JPM', 'JPMorgan Chase', 'financials', 150, 0.24, 0.65, 0.5, 0.12),
  I('BAC', 'Bank of America', 'financials', 29, 0.28, 0.65, 0.55, 0.08),
  I('GS', 'Goldman Sachs', 'financials', 340, 0.27, 0.65, 0.5, 0.12),
  I('MS', 'Morgan Stanley', 'financials', 85, 0.28, 0.65, 0.5, 0.1),
  I('JNJ', 'Johnson & Johnson', 'health', 158, 0.16, 0.4, 0.4, 0.03),
  I('UNH', 'UnitedHealth', 'health', 520, 0.26, 0.4, 0.35, 0.02),
  I('PFE', 'Pfizer', 'health', 32, 0.24, 0.35, 0.4, -0.05),
  I('MRK', 'Merck', 'health', 105, 0.2, 0.4, 0.4, 0.03),
  I('XOM', 'Exxon Mobil', 'energy', 105, 0.26, 0.4, 0.7, 0.04),
  I('CVX', 'Chevron', 'energy', 150, 0.26, 0.4, 0.7, 0.03),
  I('PG', 'Procter & Gamble', 'staples', 150, 0.15, 0.4, 0.45, 0.05),
  I('KO', 'Coca-Cola', 'staples', 58, 0.14, 0.4, 0.45, 0.05),
  I('PEP', 'PepsiCo', 'staples', 168, 0.16, 0.4, 0.45, 0.01),
  I('WMT', 'Walmart', 'staples', 52, 0.18, 0.45, 0.35, 0.2),
  I('CAT', 'Caterpillar', 'industrials', 250, 0.28, 0.65, 0.45, 0.12),
  I('HON', 'Honeywell', 'industrials', 190, 0.2, 0.65, 0.4, 0.05),
  I('NEE', 'NextEra Energy', 'utilities', 60, 0.24, 0.35, 0.6, 0.04),
  I('DUK', 'Duke Energy', 'utilities', 92, 0.17, 0.3, 0.65, 0.05),
  I('VZ', 'Verizon', 'telecom', 34, 0.2, 0.35, 0.5, 0.06),
  I('T', 'AT&T', 'telecom', 15, 0.22, 0.35, 0.5, 0.1),
  I('SPY', 'SPDR S&P 500 ETF', 'broad', 440, 0.16, 0.98, 0.0, 0.1, 'etf'),
  I('QQQ', 'Invesco QQQ', 'tech', 370, 0.21, 0.85, 0.4, 0.14, 'etf'),
  I('IWM', 'iShares Russell 2000', 'broad', 180, 0.22, 0.9, 0.0, 0.05, 'etf'),
  I('EFA', 'iShares MSCI EAFE', 'broad', 70, 0.15, 0.8, 0.0, 0.05, 'etf'),
  I('EEM', 'iShares MSCI Emerging Markets', 'broad', 39, 0.19, 0.75, 0.0, 0.03, 'etf'),
  I('TLT', 'iShares 20+ Year Treasury', 'rates', 95, 0.16, -0.25, 0.9, -0.01, 'etf'),
  I('IEF', 'iShares 7-10 Year Treasury', 'rates', 94, 0.07, -0.2, 0.9, 0.0, 'etf'),
  I('HYG', 'iShares High Yield Corporate', 'credit', 75, 0.07, 0.6, 0.5, 0.03, 'etf'),
  I('LQD', 'iShares Investment Grade Corporate', 'credit', 105, 0.09, 0.2, 0.8, 0.02, 'etf'),
  I('GLD', 'SPDR Gold Shares', 'commodities', 180, 0.14, 0.05, 0.75, 0.12, 'etf'),
  I('USO', 'United States Oil Fund', 'commodities', 72, 0.35, 0.3, 0.6, 0.0, 'etf'),
];

/** Weekdays ending on `lastDate` inclusive (the demo has no holiday calendar). */
export function businessDays(lastDate: string, count: number): string[] {
  const out: string[] = [];
  const d = new Date(`${lastDate}T00:00:00Z`);
  while (out.length < count) {
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6) out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() - 1);
  }
  return out.reverse();
}

/** The weekday before `now` (history ends there; live ticks are "today"). */
export function previousBusinessDay(nowMs: number): string {
  const d = new Date(nowMs);
  d.setUTCHours(0, 0, 0, 0);
  do d.setUTCDate(d.getUTCDate() - 1);
  while (d.getUTCDay() === 0 || d.getUTCDay() === 6);
  return d.toISOString().slice(0, 10);
}

/** About 2.1 years of weekdays. */
export const DEMO_DAYS = 550;

export interface DemoPriceOptions {
  seed?: number;
  days?: number;
  lastDate: string;
  instruments?: DemoInstrument[];
}

/** Generates daily closes for the demo instruments. Same seed and dates, same prices, on every machine. */
export function generateDemoPrices(opts: DemoPriceOptions): PriceTable {
  const instruments = opts.instruments ?? DEMO_INSTRUMENTS;
  const days = opts.days ?? DEMO_DAYS;
  const dates = businessDays(opts.lastDate, days);
  const normal = normalSource(mulberry32(opts.seed ?? 20240101));
  const t4 = studentTSource(normal, 4);
  const sectors = [...new Set(instruments.map((i) => i.sector))];
  const n = instruments.length;
  const closes = new Float64Array(days * n);
  const last = instruments.map((i) => i.start);
  for (let j = 0; j < n; j++) closes[j] = last[j];
  for (let t = 1; t < days; t++) {
    const market = t4();
    const sectorDraw = new Map(sectors.map((s) => [s, t4()]));
    for (let j = 0; j < n; j++) {
      const ins = instruments[j];
      const sigma = ins.vol / Math.sqrt(252);
      // Loadings are shares of the asset's own daily sigma; the idiosyncratic part fills the rest of its variance.
      const common = ins.beta * market + ins.sectorLoad * sectorDraw.get(ins.sector)!;
      const idioVar = Math.max(0.05, 1 - ins.beta * ins.beta - ins.sectorLoad * ins.sectorLoad);
      const z = common + Math.sqrt(idioVar) * t4();
      const r = ins.drift / 252 + sigma * z;
      last[j] = Math.max(0.01, last[j] * (1 + Math.max(-0.6, r)));
      closes[t * n + j] = Math.round(last[j] * 100) / 100;
    }
  }
  return { dates, symbols: instruments.map((i) => i.symbol), closes };
}

export interface DemoPortfolio extends Portfolio {
  description: string;
  /** Target weights of NAV (negative = short); turned into share quantities at the last close. */
  weights: Record<string, number>;
}

export const DEMO_PORTFOLIOS: DemoPortfolio[] = [
  {
    id: 'global_equity',
    name: 'Global Equity',
    nav: 50_000_000,
    currency: 'USD',
    description: 'Diversified long-only global equities',
    weights: { SPY: 0.28, EFA: 0.22, EEM: 0.1, AAPL: 0.05, MSFT: 0.05, JPM: 0.05, JNJ: 0.05, XOM: 0.05, PG: 0.05, CAT: 0.05, GLD: 0.05 },
  },
  {
    id: 'tech_growth',
    name: 'Tech Growth',
    nav: 25_000_000,
    currency: 'USD',
    description: 'Long large-cap technology',
    weights: { AAPL: 0.14, MSFT: 0.14, NVDA: 0.14, GOOGL: 0.1, AMZN: 0.1, META: 0.1, AVGO: 0.08, AMD: 0.06, CRM: 0.05, ADBE: 0.04, ORCL: 0.05 },
  },
  {
    id: 'long_short',
    name: 'Long/Short Equity',
    nav: 40_000_000,
    currency: 'USD',
    description: 'Long quality growth, short defensives and the index',
    weights: { MSFT: 0.2, GOOGL: 0.15, JPM: 0.15, GS: 0.1, CAT: 0.1, UNH: 0.1, DUK: -0.15, KO: -0.15, VZ: -0.1, IWM: -0.2, TSLA: -0.1 },
  },
  {
    id: 'macro_etf',
    name: 'Macro ETFs',
    nav: 30_000_000,
    currency: 'USD',
    description: 'Cross-asset ETF macro book',
    weights: { SPY: 0.27, TLT: 0.25, GLD: 0.15, USO: 0.1, EEM: 0.15, IEF: 0.23, HYG: -0.15 },
  },
  {
    id: 'low_vol_income',
    name: 'Low-Vol Income',
    nav: 20_000_000,
    currency: 'USD',
    description: 'Defensive dividend equities and bonds',
    weights: { JNJ: 0.1, PG: 0.1, KO: 0.1, PEP: 0.1, DUK: 0.1, NEE: 0.05, VZ: 0.1, T: 0.05, LQD: 0.15, IEF: 0.15 },
  },
  {
    id: 'levered_book',
    name: 'Levered Book',
    nav: 10_000_000,
    currency: 'USD',
    description: 'Index and sector longs on 3.5x gross leverage',
    weights: { QQQ: 1.2, SPY: 0.9, NVDA: 0.4, TSLA: 0.3, IWM: 0.5, TLT: -0.2 },
  },
  {
    id: 'concentrated',
    name: 'Concentrated Book',
    nav: 15_000_000,
    currency: 'USD',
    description: 'High-conviction book with a dominant single name',
    weights: { NVDA: 0.45, TSLA: 0.2, AMD: 0.15, META: 0.1, AVGO: 0.1 },
  },
  {
    id: 'fin_value',
    name: 'Financials & Value',
    nav: 20_000_000,
    currency: 'USD',
    description: 'Banks, energy and industrials',
    weights: { JPM: 0.15, BAC: 0.15, GS: 0.1, MS: 0.1, XOM: 0.12, CVX: 0.12, CAT: 0.1, HON: 0.08, WMT: 0.08 },
  },
];

/** Whole-share quantities that give each demo portfolio its target weights at the last close. */
export function demoPositions(table: PriceTable, portfolios: DemoPortfolio[] = DEMO_PORTFOLIOS): Position[] {
  const lastRow = table.dates.length - 1;
  const n = table.symbols.length;
  const out: Position[] = [];
  for (const p of portfolios) {
    for (const [symbol, w] of Object.entries(p.weights)) {
      const j = table.symbols.indexOf(symbol);
      if (j < 0) throw new Error(`demo portfolio ${p.id} holds ${symbol}, which has no demo prices`);
      const px = table.closes[lastRow * n + j];
      out.push({ portfolio_id: p.id, symbol, quantity: Math.round((w * (p.nav ?? 0)) / px) });
    }
  }
  return out;
}
