// The one typed contract between the engine and its clients. Each endpoint has a name, an
// HTTP route, the least role allowed, and zod schemas for its input and output. The same table
// drives: the REST routes of `risk-desk serve`, the Electron IPC bridge (invoke by name), the
// dashboard's client interface, request validation (400 with field and reason), and the
// OpenAPI document at /api/openapi.json.
//
// Input is one object: path parameters, query string and JSON body merged. Query values arrive
// as strings over HTTP, so numeric inputs use z.coerce.
import { z } from 'zod';
import { AlertStats, AlertTimelineEntry, Silence, SilenceInput, ThresholdPreview } from './alerts';
import { Alert, AlertStatus, AuditEntry, Contact, Portfolio, type Role, Severity, Threshold, ThresholdInput } from './domain';
import { FeedStatus } from './events';
import {
  ChannelSettingsUpdate,
  ChannelSettingsView,
  ContactInput,
  EscalationRule,
  EscalationRuleInput,
  NotificationLogPage,
  NotificationLogQuery,
  NotificationTemplate,
  RenderedNotification,
  SampleAlert,
  TemplateInput,
  TemplateKind,
  TestMessageRequest,
  TestMessageResult,
} from './notify';
import { METRIC_PATHS } from './metrics';
import { RiskDetailSchema, RiskSnapshotSchema } from './metrics-schema';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface Endpoint<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  method: HttpMethod;
  path: string;
  /** The least role allowed; roles rank viewer < risk_manager < admin. null = no token needed. */
  role: Role | null;
  summary: string;
  input: I;
  output: O;
}

const endpoint = <I extends z.ZodType, O extends z.ZodType>(e: Endpoint<I, O>) => e;

const none = z.object({}).strict();
const idParam = z.object({ id: z.coerce.number().int().positive() });
const portfolioParam = z.object({ id: z.string().min(1) });
const isoTime = z.string().datetime({ offset: true });
/** A boolean flag: a JSON boolean, or "true"/"false" in a query string. */
const flag = z.union([z.boolean(), z.stringbool()]);
const deleted = z.object({ deleted: z.literal(true) });

/** Cursor pagination: pass `next_cursor` back as `cursor` for the next page. */
export const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), next_cursor: z.string().nullable() });
const pageInput = { limit: z.coerce.number().int().min(1).max(1000).default(100), cursor: z.string().optional() };

export const Health = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  uptime_seconds: z.number(),
  feed: FeedStatus.nullable(),
  last_cycle_at: isoTime.nullable(),
});

export const PortfolioSummary = Portfolio.extend({ positions: z.number().int(), stale: z.boolean() });

export const HistoryPoint = z.object({
  ts: isoTime,
  value: z.number().nullable(),
  /** The figures were computed from stale prices. */
  stale: z.boolean(),
  /** 'raw' at full resolution; older history is downsampled to '5m' and then '1d' points. */
  resolution: z.enum(['raw', '5m', '1d']),
});

/** Most points one history request returns (the newest of the range). */
export const HISTORY_MAX_POINTS = 10_000;

export const ErrorBody = z.object({
  error: z.object({
    /** Machine-readable: bad_request, unauthorized, forbidden, not_found, conflict, rate_limited, internal. */
    code: z.string(),
    message: z.string(),
    /** For validation errors: one entry per offending field. */
    issues: z.array(z.object({ field: z.string(), reason: z.string() })).optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export const api = {
  health: endpoint({ method: 'GET', path: '/api/health', role: null, summary: 'Status, version, feed state, last cycle time', input: none, output: Health }),

  'portfolios.list': endpoint({ method: 'GET', path: '/api/portfolios', role: 'viewer', summary: 'Every portfolio', input: none, output: z.array(PortfolioSummary) }),
  'portfolios.metrics': endpoint({
    method: 'GET',
    path: '/api/portfolios/:id/metrics',
    role: 'viewer',
    summary: "The portfolio's latest risk snapshot",
    input: portfolioParam,
    output: RiskSnapshotSchema,
  }),
  'portfolios.history': endpoint({
    method: 'GET',
    path: '/api/portfolios/:id/history',
    role: 'viewer',
    summary: `Stored history of one metric, oldest first (default: the last 24 hours; at most ${HISTORY_MAX_POINTS.toLocaleString('en-US')} points, the newest)`,
    input: portfolioParam.extend({ metric: z.enum(METRIC_PATHS), since: isoTime.optional(), until: isoTime.optional() }),
    output: z.object({ portfolio_id: z.string(), metric: z.enum(METRIC_PATHS), points: z.array(HistoryPoint) }),
  }),
  'portfolios.detail': endpoint({
    method: 'GET',
    path: '/api/portfolios/:id/detail',
    role: 'viewer',
    summary: 'Positions with component VaR, the correlation of holdings, and the VaR backtest',
    input: portfolioParam,
    output: RiskDetailSchema,
  }),
  'risk.latest': endpoint({
    method: 'GET',
    path: '/api/risk/latest',
    role: 'viewer',
    summary: "Every portfolio's latest risk snapshot in one response (a portfolio with none computed yet is absent)",
    input: none,
    output: z.array(RiskSnapshotSchema),
  }),

  'feed.shock': endpoint({
    method: 'POST',
    path: '/api/feed/shock',
    role: 'risk_manager',
    summary: "Move prices at once through the simulated feed (demos and drills): the symbols given, else a portfolio's holdings, else every symbol",
    input: z
      .object({
        portfolio_id: z.string().min(1).optional(),
        symbols: z.array(z.string().min(1)).max(1000).optional(),
        move: z.number().gt(-1).lte(10),
      })
      .strict(),
    output: z.object({ symbols: z.array(z.string()), move: z.number() }),
  }),

  'alerts.list': endpoint({
    method: 'GET',
    path: '/api/risk/alerts',
    role: 'viewer',
    summary: 'Alerts, newest first, with filters',
    input: z.object({ status: AlertStatus.optional(), severity: Severity.optional(), portfolio_id: z.string().optional(), since: isoTime.optional(), ...pageInput }),
    output: page(Alert),
  }),
  'alerts.stats': endpoint({
    method: 'GET',
    path: '/api/risk/alerts/stats',
    role: 'viewer',
    summary: 'Alert counts by severity and status, flapping, mean times to acknowledge and resolve',
    input: z.object({ since: isoTime.optional() }),
    output: AlertStats,
  }),
  'alerts.get': endpoint({ method: 'GET', path: '/api/risk/alerts/:id', role: 'viewer', summary: 'One alert', input: idParam, output: Alert }),
  'alerts.timeline': endpoint({
    method: 'GET',
    path: '/api/risk/alerts/:id/timeline',
    role: 'viewer',
    summary: "An alert's history, oldest first: lifecycle, acknowledgements, notifications, escalation steps",
    input: idParam,
    output: z.array(AlertTimelineEntry),
  }),
  'alerts.acknowledge': endpoint({
    method: 'POST',
    path: '/api/risk/alerts/:id/acknowledge',
    role: 'risk_manager',
    summary: 'Acknowledge an alert (stops further escalation steps)',
    input: idParam.extend({ comment: z.string().max(2000).default('') }),
    output: Alert,
  }),
  'alerts.resolve': endpoint({
    method: 'POST',
    path: '/api/risk/alerts/:id/resolve',
    role: 'risk_manager',
    summary: 'Resolve an alert by hand, with a reason (cancels pending escalation)',
    input: idParam.extend({ reason: z.string().trim().min(1, 'a manual resolution needs a reason').max(2000) }),
    output: Alert,
  }),

  'thresholds.list': endpoint({ method: 'GET', path: '/api/risk/thresholds', role: 'viewer', summary: 'Every alert threshold', input: none, output: z.array(Threshold) }),
  'thresholds.create': endpoint({ method: 'POST', path: '/api/risk/thresholds', role: 'risk_manager', summary: 'Add a threshold', input: ThresholdInput, output: Threshold }),
  'thresholds.update': endpoint({
    method: 'PUT',
    path: '/api/risk/thresholds/:id',
    role: 'risk_manager',
    summary: 'Replace a threshold',
    input: ThresholdInput.extend({ id: z.coerce.number().int().positive() }),
    output: Threshold,
  }),
  'thresholds.delete': endpoint({
    method: 'DELETE',
    path: '/api/risk/thresholds/:id',
    role: 'risk_manager',
    summary: 'Delete a threshold (alerts it holds open are resolved)',
    input: idParam,
    output: deleted,
  }),
  'thresholds.preview': endpoint({
    method: 'POST',
    path: '/api/risk/thresholds/preview',
    role: 'viewer',
    summary: 'What a threshold would show against the latest figures of each portfolio, without saving it',
    input: ThresholdInput,
    output: ThresholdPreview,
  }),

  'silences.list': endpoint({
    method: 'GET',
    path: '/api/risk/silences',
    role: 'viewer',
    summary: 'Silences (active=true: only those in force now)',
    input: z.object({ active: flag.optional() }),
    output: z.array(Silence),
  }),
  'silences.create': endpoint({ method: 'POST', path: '/api/risk/silences', role: 'risk_manager', summary: 'Silence notifications of matching alerts for a while', input: SilenceInput, output: Silence }),
  'silences.update': endpoint({
    method: 'PUT',
    path: '/api/risk/silences/:id',
    role: 'risk_manager',
    summary: 'Replace a silence',
    input: SilenceInput.safeExtend({ id: z.coerce.number().int().positive() }),
    output: Silence,
  }),
  'silences.delete': endpoint({ method: 'DELETE', path: '/api/risk/silences/:id', role: 'risk_manager', summary: 'End a silence', input: idParam, output: deleted }),

  'contacts.list': endpoint({ method: 'GET', path: '/api/notify/contacts', role: 'viewer', summary: 'People notifications and escalations reach', input: none, output: z.array(Contact) }),
  'contacts.create': endpoint({ method: 'POST', path: '/api/notify/contacts', role: 'admin', summary: 'Add a contact', input: ContactInput, output: Contact }),
  'contacts.update': endpoint({ method: 'PUT', path: '/api/notify/contacts/:id', role: 'admin', summary: 'Replace a contact', input: ContactInput.extend({ id: z.coerce.number().int().positive() }), output: Contact }),
  'contacts.delete': endpoint({ method: 'DELETE', path: '/api/notify/contacts/:id', role: 'admin', summary: 'Delete a contact', input: idParam, output: deleted }),

  'escalation.list': endpoint({ method: 'GET', path: '/api/notify/escalation-rules', role: 'viewer', summary: 'Escalation rules with their steps', input: none, output: z.array(EscalationRule) }),
  'escalation.get': endpoint({ method: 'GET', path: '/api/notify/escalation-rules/:id', role: 'viewer', summary: 'One escalation rule', input: idParam, output: EscalationRule }),
  'escalation.create': endpoint({ method: 'POST', path: '/api/notify/escalation-rules', role: 'admin', summary: 'Add an escalation rule', input: EscalationRuleInput, output: EscalationRule }),
  'escalation.update': endpoint({
    method: 'PUT',
    path: '/api/notify/escalation-rules/:id',
    role: 'admin',
    summary: 'Replace an escalation rule',
    input: EscalationRuleInput.safeExtend({ id: z.coerce.number().int().positive() }),
    output: EscalationRule,
  }),
  'escalation.delete': endpoint({ method: 'DELETE', path: '/api/notify/escalation-rules/:id', role: 'admin', summary: 'Delete an escalation rule', input: idParam, output: deleted }),

  'templates.list': endpoint({ method: 'GET', path: '/api/notify/templates', role: 'viewer', summary: 'Notification templates (Liquid), one per kind', input: none, output: z.array(NotificationTemplate) }),
  'templates.get': endpoint({ method: 'GET', path: '/api/notify/templates/:kind', role: 'viewer', summary: 'The template of one kind', input: z.object({ kind: TemplateKind }), output: NotificationTemplate }),
  'templates.update': endpoint({
    method: 'PUT',
    path: '/api/notify/templates/:kind',
    role: 'admin',
    summary: 'Replace a template (rejected with line and column if it does not parse and render)',
    input: TemplateInput.extend({ kind: TemplateKind }),
    output: NotificationTemplate,
  }),
  'templates.preview': endpoint({
    method: 'POST',
    path: '/api/notify/templates/:kind/preview',
    role: 'admin',
    summary: 'Render a draft template against a sample alert, without saving it',
    input: z.object({ kind: TemplateKind, draft: TemplateInput, sample: SampleAlert.optional() }).strict(),
    output: RenderedNotification,
  }),

  'channels.get': endpoint({
    method: 'GET',
    path: '/api/notify/channels',
    role: 'admin',
    summary: 'Channel settings and where each came from; secrets only as "set or not"',
    input: none,
    output: ChannelSettingsView,
  }),
  'channels.update': endpoint({
    method: 'PUT',
    path: '/api/notify/channels',
    role: 'admin',
    summary: 'Save channel settings; secrets are write-only (a string sets, null clears, absent keeps)',
    input: ChannelSettingsUpdate,
    output: ChannelSettingsView,
  }),
  'channels.test': endpoint({ method: 'POST', path: '/api/notify/channels/test', role: 'admin', summary: 'Send a test message through one channel now', input: TestMessageRequest, output: TestMessageResult }),

  'notifications.list': endpoint({
    method: 'GET',
    path: '/api/notify/log',
    role: 'viewer',
    summary: 'The notification log, newest first: who was told what, when, through which channel, and how delivery went',
    input: NotificationLogQuery,
    output: NotificationLogPage,
  }),

  'audit.list': endpoint({
    method: 'GET',
    path: '/api/audit',
    role: 'viewer',
    summary: 'The audit trail, newest first',
    input: z.object({ entity: z.string().optional(), entity_id: z.string().optional(), ...pageInput }),
    output: page(AuditEntry),
  }),
} as const satisfies Record<string, Endpoint>;

export type Api = typeof api;
export type EndpointName = keyof Api;
/** What a caller passes (defaults optional). */
export type EndpointInput<K extends EndpointName> = z.input<Api[K]['input']>;
/** What a handler receives (validated, defaults filled). */
export type EndpointArgs<K extends EndpointName> = z.output<Api[K]['input']>;
export type EndpointOutput<K extends EndpointName> = z.output<Api[K]['output']>;

/** Who is calling: from the JWT when served, the signed-in desktop user in Electron. */
export interface CallContext {
  actor: string;
  role: Role;
}

/** The engine's implementation of the contract: one function per endpoint. */
export type DeskHandlers = {
  [K in EndpointName]: (args: EndpointArgs<K>, ctx: CallContext) => EndpointOutput<K> | Promise<EndpointOutput<K>>;
};
