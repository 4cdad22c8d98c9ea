// One way to print every number on the desk: fixed precision per unit so columns never jump,
// a proper minus sign, an em dash for "no figure". Intl formatters are built once (they are slow
// to create and these run thousands of times a second under load).
import { METRIC_INFO, type MetricPath } from '../../shared/metrics';

export const NO_VALUE = '—';
const MINUS = '\u2212';

const fixed = new Map<number, Intl.NumberFormat>();
function fixedFormat(digits: number): Intl.NumberFormat {
  let f = fixed.get(digits);
  if (!f) fixed.set(digits, (f = new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: true })));
  return f;
}

const compactCurrency = new Map<string, { f: Intl.NumberFormat; withSymbol: boolean }>();
function compactFormat(currency: string): { f: Intl.NumberFormat; withSymbol: boolean } {
  let c = compactCurrency.get(currency);
  if (!c) {
    try {
      c = { f: new Intl.NumberFormat('en-US', { style: 'currency', currency, notation: 'compact', minimumFractionDigits: 1, maximumFractionDigits: 1 }), withSymbol: true };
    } catch {
      // An unknown ISO code must not break a row: fall back to a plain compact number plus the code.
      c = { f: new Intl.NumberFormat('en-US', { notation: 'compact', minimumFractionDigits: 1, maximumFractionDigits: 1 }), withSymbol: false };
    }
    compactCurrency.set(currency, c);
  }
  return c;
}

// toLocaleTimeString builds a formatter on every call (slow enough to show in a profile of the grid).
const timeFormat = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

function signed(s: string): string {
  return s.startsWith('-') ? MINUS + s.slice(1) : s;
}

function finite(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** A fraction as a percentage: -0.04523 -> "−4.52%". */
export function formatPercent(v: number | null | undefined, digits = 2): string {
  if (!finite(v)) return NO_VALUE;
  // Avoid "−0.00%" for tiny negatives: round first, then sign.
  const pct = Number((v * 100).toFixed(digits));
  return signed(fixedFormat(digits).format(pct === 0 ? 0 : pct)) + '%';
}

export function formatNumber(v: number | null | undefined, digits = 2): string {
  if (!finite(v)) return NO_VALUE;
  const r = Number(v.toFixed(digits));
  return signed(fixedFormat(digits).format(r === 0 ? 0 : r));
}

/** An amount in compact currency: 12_345_678 USD -> "$12.3M". */
export function formatAmount(v: number | null | undefined, currency = 'USD'): string {
  if (!finite(v)) return NO_VALUE;
  const { f, withSymbol } = compactFormat(currency);
  const s = signed(f.format(v));
  return withSymbol ? s : `${s} ${currency}`;
}

/** Utilisation of a limit (percent, as shared/alerts.ts computes it) as a whole percentage: 104.3 -> "104%". Over 999% shows ">999%". */
export function formatUtilisation(pct: number | null | undefined): string {
  if (pct === Infinity) return '>999%';
  if (!finite(pct)) return NO_VALUE;
  const r = Math.round(pct);
  return r > 999 ? '>999%' : `${r}%`;
}

const DIGITS: Partial<Record<MetricPath, number>> = { 'concentration_risk.hhi': 3, 'concentration_risk.effective_positions': 1 };

/** A metric's value in the unit METRIC_INFO gives it. */
export function formatMetric(path: MetricPath, v: number | null | undefined, currency = 'USD'): string {
  const kind = METRIC_INFO[path].kind;
  switch (kind) {
    case 'return':
      return formatPercent(v, 2);
    case 'share':
      return formatPercent(v, 1);
    case 'amount':
      return formatAmount(v, currency);
    case 'count':
      return formatNumber(v, DIGITS[path] ?? 1);
    case 'ratio':
      return path === 'leverage_ratio' ? (finite(v) ? formatNumber(v, 2) + '×' : NO_VALUE) : formatNumber(v, DIGITS[path] ?? 2);
  }
}

/** Local wall-clock time with seconds, the desk's default timestamp. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return NO_VALUE;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return NO_VALUE;
  return timeFormat.format(d);
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return NO_VALUE;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return NO_VALUE;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${timeFormat.format(d)}`;
}

/** A duration in the largest sensible unit: 42 s, 3m 05s, 2h 10m, 3d 4h. */
export function formatDuration(ms: number | null | undefined): string {
  if (!finite(ms) || ms < 0) return NO_VALUE;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}
