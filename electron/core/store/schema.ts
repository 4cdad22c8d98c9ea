// The SQLite schema (drizzle-orm). Table names are a contract: existing deployments use them.
// Times are ISO-8601 UTC text from Date#toISOString (fixed width, so text order is time order),
// except risk_snapshots.ts, which is epoch milliseconds because that table is high volume.
// Changing this file? Run `npm run db:generate` and commit the new migration.
import { sql } from 'drizzle-orm';
import { sqliteTable, text, integer, real, primaryKey, index, uniqueIndex } from 'drizzle-orm/sqlite-core';

const createdAt = () => text('created_at').notNull();
const updatedAt = () => text('updated_at').notNull();

export const portfolios = sqliteTable('portfolios', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** Equity capital; null means NAV is derived as net market value. */
  nav: real('nav'),
  currency: text('currency').notNull().default('USD'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const instruments = sqliteTable('instruments', {
  symbol: text('symbol').primaryKey(),
  name: text('name'),
  assetClass: text('asset_class'),
  sector: text('sector'),
  currency: text('currency').notNull().default('USD'),
  multiplier: real('multiplier').notNull().default(1),
});

export const positions = sqliteTable(
  'positions',
  {
    portfolioId: text('portfolio_id')
      .notNull()
      .references(() => portfolios.id, { onDelete: 'cascade' }),
    symbol: text('symbol')
      .notNull()
      .references(() => instruments.symbol),
    quantity: real('quantity').notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.portfolioId, t.symbol] }), index('positions_symbol_idx').on(t.symbol)],
);

/** Daily closes. */
export const prices = sqliteTable(
  'prices',
  {
    symbol: text('symbol')
      .notNull()
      .references(() => instruments.symbol),
    date: text('date').notNull(),
    close: real('close').notNull(),
  },
  (t) => [primaryKey({ columns: [t.symbol, t.date] }), index('prices_date_idx').on(t.date)],
);

export const riskSnapshots = sqliteTable(
  'risk_snapshots',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    portfolioId: text('portfolio_id')
      .notNull()
      .references(() => portfolios.id, { onDelete: 'cascade' }),
    /** Epoch milliseconds. */
    ts: integer('ts').notNull(),
    /** 'raw' at full resolution, then '5m' and '1d' after downsampling. */
    resolution: text('resolution').notNull().default('raw'),
    asOf: text('as_of').notNull(),
    stale: integer('stale', { mode: 'boolean' }).notNull().default(false),
    /** The RiskSnapshot metrics as JSON (read with json_extract for history queries). */
    metrics: text('metrics').notNull(),
  },
  (t) => [index('risk_snapshots_portfolio_ts_idx').on(t.portfolioId, t.ts), index('risk_snapshots_resolution_ts_idx').on(t.resolution, t.ts)],
);

export const riskAlertThresholds = sqliteTable(
  'risk_alert_thresholds',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** A portfolio id, or '*' for every portfolio. */
    portfolioId: text('portfolio_id').notNull(),
    metricType: text('metric_type').notNull(),
    thresholdValue: real('threshold_value').notNull(),
    comparisonType: text('comparison_type').notNull(),
    severity: text('severity').notNull(),
    description: text('description').notNull().default(''),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    pendingSeconds: integer('pending_seconds').notNull().default(0),
    clearValue: real('clear_value'),
    recoverySeconds: integer('recovery_seconds').notNull().default(0),
    warnUtilisationPct: real('warn_utilisation_pct').notNull().default(80),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('thresholds_portfolio_idx').on(t.portfolioId, t.metricType)],
);

export const riskAlerts = sqliteTable(
  'risk_alerts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    portfolioId: text('portfolio_id').notNull(),
    thresholdId: integer('threshold_id').references(() => riskAlertThresholds.id, { onDelete: 'set null' }),
    metricType: text('metric_type').notNull(),
    severity: text('severity').notNull(),
    status: text('status').notNull(),
    comparisonType: text('comparison_type').notNull(),
    currentValue: real('current_value'),
    thresholdValue: real('threshold_value').notNull(),
    worstValue: real('worst_value'),
    breachCount: integer('breach_count').notNull().default(1),
    description: text('description').notNull().default(''),
    flapping: integer('flapping', { mode: 'boolean' }).notNull().default(false),
    previousAlertId: integer('previous_alert_id'),
    /** The escalation policy copied onto the alert when it triggered (JSON). */
    escalationPolicy: text('escalation_policy'),
    triggeredAt: text('triggered_at').notNull(),
    updatedAt: updatedAt(),
    acknowledgedAt: text('acknowledged_at'),
    acknowledgedBy: text('acknowledged_by'),
    resolvedAt: text('resolved_at'),
    resolvedBy: text('resolved_by'),
    resolution: text('resolution'),
  },
  (t) => [
    // At most one open alert per (portfolio, threshold): the database enforces it.
    uniqueIndex('risk_alerts_one_open_idx').on(t.portfolioId, t.thresholdId).where(sql`status <> 'RESOLVED'`),
    index('risk_alerts_status_idx').on(t.status, t.triggeredAt),
    index('risk_alerts_portfolio_idx').on(t.portfolioId, t.triggeredAt),
    index('risk_alerts_triggered_idx').on(t.triggeredAt),
  ],
);

/** Per (portfolio, threshold) evaluation state that must survive a restart (pending breaches, recovery dwell). */
export const alertConditions = sqliteTable(
  'alert_conditions',
  {
    portfolioId: text('portfolio_id').notNull(),
    thresholdId: integer('threshold_id')
      .notNull()
      .references(() => riskAlertThresholds.id, { onDelete: 'cascade' }),
    /** 'ok' | 'pending' | 'firing' | 'recovering' */
    state: text('state').notNull(),
    since: text('since').notNull(),
    lastValue: real('last_value'),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.portfolioId, t.thresholdId] })],
);

export const alertAcknowledgments = sqliteTable(
  'alert_acknowledgments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    alertId: integer('alert_id')
      .notNull()
      .references(() => riskAlerts.id, { onDelete: 'cascade' }),
    user: text('user').notNull(),
    comment: text('comment').notNull().default(''),
    at: text('at').notNull(),
  },
  (t) => [index('alert_ack_alert_idx').on(t.alertId)],
);

export const alertSilences = sqliteTable(
  'alert_silences',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    portfolioId: text('portfolio_id'),
    metricType: text('metric_type'),
    severity: text('severity'),
    startsAt: text('starts_at').notNull(),
    endsAt: text('ends_at').notNull(),
    reason: text('reason').notNull(),
    author: text('author').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('alert_silences_ends_idx').on(t.endsAt)],
);

export const notificationTemplates = sqliteTable('notification_templates', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** 'new_alert' | 'escalation' | 'resolution' | 'digest' | 'test' */
  kind: text('kind').notNull().unique(),
  subject: text('subject').notNull(),
  body: text('body').notNull(),
  /** The short SMS form (at most 160 characters once rendered). */
  sms: text('sms').notNull(),
  updatedAt: updatedAt(),
});

/** The outbox and the delivery log in one: a row per (alert, transition, step, channel, recipient). */
export const notificationLogs = sqliteTable(
  'notification_logs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    idempotencyKey: text('idempotency_key').notNull().unique(),
    alertId: integer('alert_id').references(() => riskAlerts.id, { onDelete: 'set null' }),
    transition: text('transition').notNull(),
    step: integer('step').notNull().default(0),
    channel: text('channel').notNull(),
    recipient: text('recipient').notNull(),
    severity: text('severity').notNull(),
    /** The contact addressed (null for desktop notifications and test messages). */
    contactId: integer('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
    /** 'queued' | 'sending' | 'sent' | 'failed' | 'expired' | 'cancelled' | 'batched' */
    status: text('status').notNull(),
    subject: text('subject'),
    body: text('body').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: text('next_attempt_at'),
    expiresAt: text('expires_at'),
    providerId: text('provider_id'),
    error: text('error'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    sentAt: text('sent_at'),
    /** When the row was claimed for delivery (queued -> sending). */
    claimedAt: text('claimed_at'),
    /** For a row folded into a digest: the digest row that carries it. */
    batchId: integer('batch_id'),
    /** For a fallback SMS: the email row it stands in for. */
    fallbackOf: integer('fallback_of'),
  },
  (t) => [
    index('notification_logs_due_idx').on(t.status, t.nextAttemptAt),
    index('notification_logs_batch_idx').on(t.batchId),
    index('notification_logs_alert_idx').on(t.alertId),
    index('notification_logs_created_idx').on(t.createdAt),
  ],
);

export const contacts = sqliteTable('contacts', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  /** e.g. 'on_call_risk', 'head_of_risk', 'cro' — escalation steps may address a role. */
  role: text('role').notNull(),
  email: text('email'),
  phone: text('phone'),
  webhookUrl: text('webhook_url'),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const escalationRules = sqliteTable(
  'escalation_rules',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    severity: text('severity').notNull(),
    /** null = every portfolio. */
    portfolioId: text('portfolio_id'),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    /** How many times the last step repeats while nobody acknowledges. */
    repeatCount: integer('repeat_count').notNull().default(0),
    repeatIntervalMinutes: integer('repeat_interval_minutes').notNull().default(15),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('escalation_rules_severity_idx').on(t.severity, t.portfolioId)],
);

export const escalationSteps = sqliteTable(
  'escalation_steps',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ruleId: integer('rule_id')
      .notNull()
      .references(() => escalationRules.id, { onDelete: 'cascade' }),
    stepOrder: integer('step_order').notNull(),
    level: text('level').notNull(),
    delayMinutes: real('delay_minutes').notNull(),
    /** JSON array of recipients: {"contact_id":1} or {"role":"head_of_risk"}. */
    recipients: text('recipients').notNull(),
    /** Comma-separated channels of 'email' | 'sms' | 'both' | 'desktop' | 'webhook' (e.g. 'email,desktop'). */
    channel: text('channel').notNull(),
  },
  (t) => [uniqueIndex('escalation_steps_order_idx').on(t.ruleId, t.stepOrder)],
);

/** Escalation timers as rows with due times, so they survive a restart. */
export const escalationEvents = sqliteTable(
  'escalation_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    alertId: integer('alert_id')
      .notNull()
      .references(() => riskAlerts.id, { onDelete: 'cascade' }),
    /** Escalation round: 0 from the trigger, +1 each time the alert re-escalates (reopened, upgraded). */
    round: integer('round').notNull().default(0),
    stepIndex: integer('step_index').notNull(),
    repeatIndex: integer('repeat_index').notNull().default(0),
    level: text('level').notNull(),
    dueAt: text('due_at').notNull(),
    /** 'scheduled' | 'fired' | 'cancelled' */
    status: text('status').notNull(),
    firedAt: text('fired_at'),
    detail: text('detail'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('escalation_events_step_idx').on(t.alertId, t.round, t.stepIndex, t.repeatIndex),
    index('escalation_events_due_idx').on(t.status, t.dueAt),
  ],
);

export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: text('at').notNull(),
    actor: text('actor').notNull(),
    entity: text('entity').notNull(),
    entityId: text('entity_id').notNull(),
    action: text('action').notNull(),
    before: text('before'),
    after: text('after'),
  },
  (t) => [index('audit_log_entity_idx').on(t.entity, t.entityId), index('audit_log_at_idx').on(t.at)],
);

/** Settings saved from the dashboard (channel configuration etc.); secrets are never stored here in plain text. */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: updatedAt(),
});
