// Domain entities shared by the engine, the API, the IPC bridge and the dashboard.
// The zod schemas are the single source: TypeScript types, request validation and
// the OpenAPI document are all derived from them.
import { z } from 'zod';
import { METRIC_PATHS } from './metrics';

export const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export const Severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof Severity>;
/** Higher is more severe. */
export const SEVERITY_RANK: Record<Severity, number> = { LOW: 1, MEDIUM: 2, HIGH: 3, CRITICAL: 4 };

export const COMPARISON_TYPES = ['less_than', 'less_than_or_equal', 'greater_than', 'greater_than_or_equal', 'equal'] as const;
export const ComparisonType = z.enum(COMPARISON_TYPES);
export type ComparisonType = z.infer<typeof ComparisonType>;

export const ALERT_STATUSES = ['TRIGGERED', 'ACKNOWLEDGED', 'RESOLVED'] as const;
export const AlertStatus = z.enum(ALERT_STATUSES);
export type AlertStatus = z.infer<typeof AlertStatus>;

export const ROLES = ['viewer', 'risk_manager', 'admin'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;
export const ROLE_RANK: Record<Role, number> = { viewer: 1, risk_manager: 2, admin: 3 };

export const CHANNELS = ['desktop', 'email', 'sms', 'webhook'] as const;
export const Channel = z.enum(CHANNELS);
export type Channel = z.infer<typeof Channel>;

export const MetricPathSchema = z.enum(METRIC_PATHS);

const id = z.string().min(1).max(128);
const isoTime = z.string().datetime({ offset: true });
const finite = z.number().finite();

export const Portfolio = z.object({
  id,
  name: z.string(),
  nav: finite.nullable(),
  currency: z.string().length(3),
});
export type Portfolio = z.infer<typeof Portfolio>;

export const Position = z.object({
  portfolio_id: id,
  symbol: z.string().min(1),
  quantity: finite,
});
export type Position = z.infer<typeof Position>;

/** What a client sends to create or replace a threshold. */
export const ThresholdInput = z
  .object({
    portfolio_id: z.union([id, z.literal('*')]),
    metric_type: MetricPathSchema,
    threshold_value: finite,
    comparison_type: ComparisonType,
    severity: Severity,
    description: z.string().max(500).default(''),
    enabled: z.boolean().default(true),
    /** The breach must hold this long before an alert fires (0 = at once). */
    pending_seconds: z.number().int().min(0).max(86_400).default(0),
    /** Hysteresis: once open, the alert recovers only past this level. */
    clear_value: finite.nullable().default(null),
    /** Recovery must hold this long before the alert auto-resolves. */
    recovery_seconds: z.number().int().min(0).max(86_400).default(0),
    /** Utilisation (percent) from which the light turns amber. */
    warn_utilisation_pct: z.number().min(1).max(100).default(80),
  })
  .strict();
export type ThresholdInput = z.input<typeof ThresholdInput>;
/** A validated threshold input, defaults filled in. */
export type ThresholdSettings = z.output<typeof ThresholdInput>;

export const Threshold = ThresholdInput.extend({
  id: z.number().int(),
  created_at: isoTime,
  updated_at: isoTime,
});
export type Threshold = z.infer<typeof Threshold>;

export const Alert = z.object({
  id: z.number().int(),
  portfolio_id: id,
  threshold_id: z.number().int().nullable(),
  metric_type: z.string(),
  severity: Severity,
  status: AlertStatus,
  comparison_type: ComparisonType,
  current_value: finite.nullable(),
  threshold_value: finite,
  worst_value: finite.nullable(),
  breach_count: z.number().int(),
  description: z.string(),
  flapping: z.boolean(),
  previous_alert_id: z.number().int().nullable(),
  triggered_at: isoTime,
  updated_at: isoTime,
  acknowledged_at: isoTime.nullable(),
  acknowledged_by: z.string().nullable(),
  resolved_at: isoTime.nullable(),
  resolved_by: z.string().nullable(),
  resolution: z.string().nullable(),
});
export type Alert = z.infer<typeof Alert>;

export const Contact = z.object({
  id: z.number().int(),
  name: z.string().min(1),
  role: z.string().min(1),
  email: z.string().email().nullable(),
  phone: z.string().regex(/^\+[1-9]\d{6,14}$/, 'E.164, e.g. +14155550100').nullable(),
  webhook_url: z.string().url().nullable(),
  enabled: z.boolean(),
});
export type Contact = z.infer<typeof Contact>;

export const AuditEntry = z.object({
  id: z.number().int(),
  at: isoTime,
  actor: z.string(),
  entity: z.string(),
  entity_id: z.string(),
  action: z.string(),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
