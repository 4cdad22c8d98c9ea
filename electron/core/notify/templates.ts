// Templates: Liquid sources rendered with an alert's fields. Sandboxed: no filesystem (include,
// render and layout are refused when a template is saved), own properties only, strict filters,
// and parse/render/memory limits so a template cannot stall the engine.
import { Liquid, Tag, type LiquidError } from 'liquidjs';
import { utilisation } from '../../../shared/alerts';
import type { Alert } from '../../../shared/domain';
import { METRIC_INFO, isMetricPath } from '../../../shared/metrics';
import type { RenderedNotification, SampleAlert, TemplateInput, TemplateKind } from '../../../shared/notify';
import { InputError } from '../book/types';

/** An SMS carries at most this many characters (one GSM-7 segment). */
export const SMS_MAX = 160;

/** A template that does not parse or render: which field, where, and why. */
export class TemplateError extends InputError {
  constructor(
    readonly kind: TemplateKind,
    readonly part: 'subject' | 'body' | 'sms',
    override readonly line: number | null,
    readonly column: number | null,
    readonly detail: string,
  ) {
    super(`${kind} template`, line, part, detail);
    this.message = `${kind} template, ${part}${line !== null ? `, line ${line}, column ${column}` : ''}: ${detail}`;
    this.name = 'TemplateError';
  }
}

const PARTS = ['subject', 'body', 'sms'] as const;

class RefusedTag extends Tag {
  constructor(...args: ConstructorParameters<typeof Tag>) {
    super(...args);
    throw new Error(`{% ${this.name} %} is not allowed: templates cannot read files`);
  }
  *render(): Generator<unknown, void, unknown> {}
}

function formatValue(metric: string, v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return 'n/a';
  const kind = isMetricPath(metric) ? METRIC_INFO[metric].kind : 'ratio';
  switch (kind) {
    case 'return':
    case 'share':
      return `${(v * 100).toFixed(2)}%`;
    case 'amount':
      return Math.round(v).toLocaleString('en-US');
    case 'count':
      return v.toFixed(1);
    default:
      return v.toFixed(2);
  }
}

export interface AlertContext {
  portfolioName?: string | null;
  escalationLevel?: string | null;
  transition?: string;
  step?: number;
}

/** The variables a template sees for one alert (docs/notifications.md lists them). */
export function alertVariables(a: Alert, ctx: AlertContext = {}): Record<string, unknown> {
  const label = isMetricPath(a.metric_type) ? METRIC_INFO[a.metric_type].label : a.metric_type;
  // The dashboard's rule (shared/alerts.ts), so an email and the screen give the same figure; one decimal in text.
  const used = utilisation(a.current_value, a);
  const util = used === null ? null : Math.round(used * 10) / 10;
  return {
    alert_id: a.id,
    portfolio: a.portfolio_id,
    portfolio_name: ctx.portfolioName ?? a.portfolio_id,
    metric: a.metric_type,
    metric_label: label,
    current_value: formatValue(a.metric_type, a.current_value),
    current_value_raw: a.current_value,
    threshold: formatValue(a.metric_type, a.threshold_value),
    threshold_raw: a.threshold_value,
    worst_value: formatValue(a.metric_type, a.worst_value),
    comparison: a.comparison_type,
    severity: a.severity,
    status: a.status,
    description: a.description,
    time: a.triggered_at,
    triggered_at: a.triggered_at,
    updated_at: a.updated_at,
    utilisation: util === null ? 'n/a' : `${util}%`,
    utilisation_raw: util,
    breach_count: a.breach_count,
    flapping: a.flapping,
    acknowledged_by: a.acknowledged_by,
    acknowledged_at: a.acknowledged_at,
    resolved_by: a.resolved_by,
    resolved_at: a.resolved_at,
    resolution: a.resolution,
    escalation_level: ctx.escalationLevel ?? null,
    step: ctx.step ?? 0,
    transition: ctx.transition ?? 'triggered',
  };
}

/** A plausible breach, overlaid with what the dashboard's preview sends. */
export function sampleAlert(sample: SampleAlert = {}): { alert: Alert; ctx: AlertContext } {
  const { portfolio_name, escalation_level, ...fields } = sample;
  const alert: Alert = {
    id: 42,
    portfolio_id: 'global_macro',
    threshold_id: 2,
    metric_type: 'var_99',
    severity: 'CRITICAL',
    status: 'TRIGGERED',
    comparison_type: 'less_than',
    current_value: -0.0612,
    threshold_value: -0.05,
    worst_value: -0.0631,
    breach_count: 3,
    description: 'One-day 99% VaR beyond 5% of NAV',
    flapping: false,
    previous_alert_id: null,
    triggered_at: '2026-01-02T14:02:00.000Z',
    updated_at: '2026-01-02T14:02:00.000Z',
    acknowledged_at: null,
    acknowledged_by: null,
    resolved_at: null,
    resolved_by: null,
    resolution: null,
    ...fields,
  };
  return { alert, ctx: { portfolioName: portfolio_name ?? 'Global Macro', escalationLevel: escalation_level ?? 'head of risk', step: 1, transition: 'triggered' } };
}

/** Cuts an SMS to SMS_MAX characters without splitting a character, ending in '...' (ASCII, so the text stays GSM-7). */
export function truncateSms(text: string): { text: string; length: number; truncated: boolean } {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = Array.from(flat);
  if (chars.length <= SMS_MAX) return { text: flat, length: chars.length, truncated: false };
  return { text: chars.slice(0, SMS_MAX - 3).join('').trimEnd() + '...', length: chars.length, truncated: true };
}

type Compiled = ReturnType<Liquid['parse']>;

export class TemplateEngine {
  private readonly liquid: Liquid;
  private readonly cache = new Map<string, Compiled>();

  constructor() {
    this.liquid = new Liquid({
      templates: {}, // an empty in-memory file system: nothing on disk is reachable
      strictFilters: true,
      ownPropertyOnly: true,
      parseLimit: 100_000,
      renderLimit: 200, // ms of rendering per template
      memoryLimit: 1_000_000,
      cache: false,
    });
    for (const tag of ['include', 'render', 'layout']) this.liquid.registerTag(tag, RefusedTag);
    this.liquid.registerFilter('pct', (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? `${(v * 100).toFixed(2)}%` : 'n/a'));
  }

  /** Parses all three parts; throws TemplateError with the line and column of the first problem. */
  check(kind: TemplateKind, t: TemplateInput): void {
    for (const part of PARTS) this.compile(kind, part, t[part]);
  }

  /** Renders subject, body and SMS (the SMS cut to 160 characters). Throws TemplateError. */
  render(kind: TemplateKind, t: TemplateInput, vars: Record<string, unknown>): RenderedNotification {
    const out = {} as Record<(typeof PARTS)[number], string>;
    for (const part of PARTS) {
      const tpl = this.compile(kind, part, t[part]);
      try {
        out[part] = this.liquid.renderSync(tpl, vars) as string;
      } catch (err) {
        throw this.toError(kind, part, err);
      }
    }
    const sms = truncateSms(out.sms);
    return { subject: out.subject.replace(/\s+/g, ' ').trim(), body: out.body, sms: sms.text, sms_length: sms.length, sms_truncated: sms.truncated };
  }

  private compile(kind: TemplateKind, part: (typeof PARTS)[number], source: string): Compiled {
    const hit = this.cache.get(source);
    if (hit) return hit;
    try {
      const tpl = this.liquid.parse(source);
      if (this.cache.size > 200) this.cache.clear();
      this.cache.set(source, tpl);
      return tpl;
    } catch (err) {
      throw this.toError(kind, part, err);
    }
  }

  private toError(kind: TemplateKind, part: (typeof PARTS)[number], err: unknown): TemplateError {
    const e = err as Partial<LiquidError> & { message?: string };
    const pos = e.token?.getPosition?.();
    const detail = (e.message ?? String(err)).replace(/, line:\d+, col:\d+$/, '');
    return new TemplateError(kind, part, pos ? pos[0] : null, pos ? pos[1] : null, detail);
  }
}
