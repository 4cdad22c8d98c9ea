// Events the engine pushes to clients: over the WebSocket (/ws/risk) when served, over IPC in
// Electron. Each carries its `type` and an ISO `timestamp` (docs/api.md).
import { z } from 'zod';
import { Alert } from './domain';
import { RiskSnapshotSchema } from './metrics-schema';

export const FEED_STATES = ['connecting', 'live', 'reconnecting', 'stale', 'stopped'] as const;
export const FeedState = z.enum(FEED_STATES);
export type FeedState = z.infer<typeof FeedState>;

export const FeedStatus = z.object({
  kind: z.enum(['simulated', 'websocket', 'redis', 'replay']),
  /** The feed URL without credentials, or 'simulated'. */
  source: z.string(),
  state: FeedState,
  last_message_at: z.string().nullable(),
  ticks_total: z.number().int(),
  /** Dropped messages by reason (malformed, bad_price, unknown_symbol, ...). */
  dropped: z.record(z.string(), z.number().int()),
});
export type FeedStatus = z.infer<typeof FeedStatus>;

const timestamp = z.string();

export const RiskMetricsUpdateEvent = z.object({
  type: z.literal('risk_metrics_update'),
  timestamp,
  portfolio_id: z.string(),
  metrics: RiskSnapshotSchema,
});

export const NewAlertEvent = z.object({ type: z.literal('new_alert'), timestamp, alert: Alert });
export const AlertUpdatedEvent = z.object({ type: z.literal('alert_updated'), timestamp, alert: Alert });

export const EscalationEvent = z.object({
  type: z.literal('escalation'),
  timestamp,
  alert_id: z.number().int(),
  portfolio_id: z.string(),
  step: z.number().int(),
  level: z.string(),
  channel: z.string(),
  recipients: z.array(z.string()),
});

export const SystemEvent = z.object({
  type: z.literal('system'),
  timestamp,
  level: z.enum(['info', 'warning', 'error']),
  message: z.string(),
  /** Present when the event reports the feed's state. */
  feed: FeedStatus.optional(),
  /** Present on cycle completion. */
  cycle: z.object({ duration_ms: z.number(), portfolios: z.number().int() }).optional(),
});

/** The kinds of configuration a client may edit and others must then see (one dashboard slice each). */
export const CONFIG_KINDS = ['thresholds', 'silences', 'escalation_rules', 'contacts', 'templates', 'channels'] as const;
export const ConfigKind = z.enum(CONFIG_KINDS);
export type ConfigKind = z.infer<typeof ConfigKind>;

/**
 * Configuration changed (by any client, over REST or IPC): read the slice of this kind again.
 * Sent once the change is committed; it names what changed, never the values (so never a secret).
 */
export const ConfigChangedEvent = z.object({
  type: z.literal('config_changed'),
  timestamp,
  kind: ConfigKind,
  /** What was touched: row ids (thresholds, silences, escalation rules, contacts), template kinds, or channel names. */
  ids: z.array(z.union([z.number().int(), z.string()])),
  /** Who made the change (the token's subject, or 'system'). */
  actor: z.string(),
});

export const DeskEvent = z.discriminatedUnion('type', [RiskMetricsUpdateEvent, NewAlertEvent, AlertUpdatedEvent, EscalationEvent, SystemEvent, ConfigChangedEvent]);
export type DeskEvent = z.infer<typeof DeskEvent>;
export type DeskEventType = DeskEvent['type'];
export type DeskEventOf<T extends DeskEventType> = Extract<DeskEvent, { type: T }>;
