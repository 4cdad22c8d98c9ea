// Notifications and escalation: the contract between the engine's notifier, the API and the
// dashboard (contacts, escalation rules, templates, channel settings, the delivery log).
import { z } from 'zod';
import { Alert, Channel, Contact, Severity } from './domain';

const isoTime = z.string().datetime({ offset: true });

// ---------------------------------------------------------------- contacts

/** What a client sends to create or replace a contact. */
export const ContactInput = Contact.omit({ id: true }).extend({
  email: Contact.shape.email.default(null),
  phone: Contact.shape.phone.default(null),
  webhook_url: Contact.shape.webhook_url.default(null),
  enabled: z.boolean().default(true),
}).strict();
export type ContactInput = z.input<typeof ContactInput>;
export type ContactSettings = z.output<typeof ContactInput>;

// ---------------------------------------------------------------- escalation rules

/** A step's channel: 'both' means email and SMS. */
export const STEP_CHANNELS = ['email', 'sms', 'both', 'desktop', 'webhook'] as const;
export const StepChannel = z.enum(STEP_CHANNELS);
export type StepChannel = z.infer<typeof StepChannel>;

/** A step addresses contacts by id, or by role (resolved to the enabled contacts holding it when the step fires). */
export const EscalationRecipient = z.union([
  z.object({ contact_id: z.number().int().positive() }).strict(),
  z.object({ role: z.string().min(1).max(64) }).strict(),
]);
export type EscalationRecipient = z.infer<typeof EscalationRecipient>;

export const EscalationStepInput = z
  .object({
    /** A label for the level reached ('on-call', 'head of risk', 'CRO'). */
    level: z.string().min(1).max(64),
    /** Minutes after the alert triggered (not after the previous step). */
    delay_minutes: z.number().min(0).max(10_080),
    recipients: z.array(EscalationRecipient).min(1).max(50),
    channels: z.array(StepChannel).min(1).max(5),
  })
  .strict();
export type EscalationStepInput = z.input<typeof EscalationStepInput>;

export const EscalationRuleInput = z
  .object({
    name: z.string().min(1).max(200),
    severity: Severity,
    /** null = every portfolio; a portfolio's own rule wins over the catch-all. */
    portfolio_id: z.string().min(1).max(128).nullable().default(null),
    enabled: z.boolean().default(true),
    /** How many more times the last step fires while nobody acknowledges. */
    repeat_count: z.number().int().min(0).max(100).default(0),
    repeat_interval_minutes: z.number().int().min(1).max(1440).default(15),
    steps: z.array(EscalationStepInput).min(1).max(20),
  })
  .strict()
  .superRefine((r, ctx) => {
    for (let i = 1; i < r.steps.length; i++) {
      if (r.steps[i].delay_minutes < r.steps[i - 1].delay_minutes) {
        ctx.addIssue({ code: 'custom', path: ['steps', i, 'delay_minutes'], message: `must not be earlier than step ${i - 1} (${r.steps[i - 1].delay_minutes} min)` });
      }
    }
  });
export type EscalationRuleInput = z.input<typeof EscalationRuleInput>;
export type EscalationRuleSettings = z.output<typeof EscalationRuleInput>;

export const EscalationStep = EscalationStepInput.extend({ id: z.number().int(), step_order: z.number().int() });
export type EscalationStep = z.infer<typeof EscalationStep>;

export const EscalationRule = z.object({
  id: z.number().int(),
  name: z.string(),
  severity: Severity,
  portfolio_id: z.string().nullable(),
  enabled: z.boolean(),
  repeat_count: z.number().int(),
  repeat_interval_minutes: z.number().int(),
  steps: z.array(EscalationStep),
  created_at: isoTime,
  updated_at: isoTime,
});
export type EscalationRule = z.infer<typeof EscalationRule>;

/** The rule as copied onto an alert when it triggered (risk_alerts.escalation_policy). */
export const EscalationPolicy = z.object({
  rule_id: z.number().int().nullable(),
  name: z.string(),
  severity: Severity,
  repeat_count: z.number().int(),
  repeat_interval_minutes: z.number().int(),
  steps: z.array(EscalationStepInput),
  /** 0 from the trigger; +1 each time the alert re-escalates (reopened, upgraded). */
  round: z.number().int(),
  /** When this round started (delays count from here). */
  started_at: isoTime,
});
export type EscalationPolicy = z.infer<typeof EscalationPolicy>;

// ---------------------------------------------------------------- templates

export const TEMPLATE_KINDS = ['new_alert', 'escalation', 'resolution', 'digest'] as const;
export const TemplateKind = z.enum(TEMPLATE_KINDS);
export type TemplateKind = z.infer<typeof TemplateKind>;

/** Liquid sources; each is checked when saved (a broken one is rejected with its line and column). */
export const TemplateInput = z
  .object({
    subject: z.string().min(1).max(500),
    body: z.string().min(1).max(20_000),
    /** The SMS form: at most 160 characters once rendered (longer renders are cut, ending in '...'). */
    sms: z.string().min(1).max(2_000),
  })
  .strict();
export type TemplateInput = z.infer<typeof TemplateInput>;

export const NotificationTemplate = TemplateInput.extend({ kind: TemplateKind, updated_at: isoTime });
export type NotificationTemplate = z.infer<typeof NotificationTemplate>;

/** A sample alert for previews: any Alert fields, the rest filled with a plausible breach. */
export const SampleAlert = Alert.partial().extend({ portfolio_name: z.string().optional(), escalation_level: z.string().optional() });
export type SampleAlert = z.infer<typeof SampleAlert>;

export const TemplatePreviewRequest = z.object({ kind: TemplateKind, draft: TemplateInput, sample: SampleAlert.optional() }).strict();

export const RenderedNotification = z.object({
  subject: z.string(),
  body: z.string(),
  sms: z.string(),
  /** Characters of the SMS form before it was cut to 160. */
  sms_length: z.number().int(),
  sms_truncated: z.boolean(),
});
export type RenderedNotification = z.infer<typeof RenderedNotification>;

// ---------------------------------------------------------------- channel settings

export const EMAIL_SECURITY = ['tls', 'starttls', 'none'] as const;
export const SMS_PROVIDERS = ['twilio', 'sns'] as const;
export const SETTING_SOURCES = ['flag', 'env', 'saved', 'default'] as const;
export const SettingSource = z.enum(SETTING_SOURCES);

/** What the dashboard reads: never a secret, only whether one is set and where each value came from. */
export const ChannelSettingsView = z.object({
  email: z.object({
    host: z.string().nullable(),
    port: z.number().int(),
    /** 'tls' = implicit TLS (465), 'starttls' = upgrade required, 'none' = plain (local relays only). */
    security: z.enum(EMAIL_SECURITY),
    username: z.string().nullable(),
    password_set: z.boolean(),
    from: z.string().nullable(),
    configured: z.boolean(),
  }),
  sms: z.object({
    provider: z.enum(SMS_PROVIDERS).nullable(),
    twilio_account_sid: z.string().nullable(),
    twilio_auth_token_set: z.boolean(),
    twilio_from: z.string().nullable(),
    sns_region: z.string().nullable(),
    /** An SMS not handed to the provider within this many minutes is marked expired, never sent late. */
    validity_minutes: z.number().int(),
    configured: z.boolean(),
  }),
  desktop: z.object({ enabled: z.boolean() }),
  webhook: z.object({ enabled: z.boolean() }),
  /** A CRITICAL email not accepted within this many seconds (or failed for good) also goes out by SMS. */
  fallback_after_seconds: z.number().int(),
  /** Where each value came from, by dotted name (e.g. 'email.host': 'env'). */
  sources: z.record(z.string(), SettingSource),
});
export type ChannelSettingsView = z.infer<typeof ChannelSettingsView>;

/** What the dashboard saves. Secrets are write-only: a string sets, null clears, absent keeps. */
export const ChannelSettingsUpdate = z
  .object({
    email: z
      .object({
        host: z.string().min(1).max(255).nullable(),
        port: z.number().int().min(1).max(65_535),
        security: z.enum(EMAIL_SECURITY),
        username: z.string().max(255).nullable(),
        password: z.string().max(1000).nullable(),
        from: z.string().min(3).max(320).nullable(),
      })
      .partial()
      .strict(),
    sms: z
      .object({
        provider: z.enum(SMS_PROVIDERS).nullable(),
        twilio_account_sid: z.string().max(64).nullable(),
        twilio_auth_token: z.string().max(256).nullable(),
        twilio_from: z.string().max(32).nullable(),
        sns_region: z.string().max(32).nullable(),
        validity_minutes: z.number().int().min(1).max(1440),
      })
      .partial()
      .strict(),
    desktop: z.object({ enabled: z.boolean() }).partial().strict(),
    webhook: z.object({ enabled: z.boolean() }).partial().strict(),
    fallback_after_seconds: z.number().int().min(10).max(3600),
  })
  .partial()
  .strict();
export type ChannelSettingsUpdate = z.infer<typeof ChannelSettingsUpdate>;

export const TestMessageRequest = z
  .object({
    channel: Channel,
    /** An email address, an E.164 phone number or a webhook URL; desktop needs none. */
    to: z.string().max(2000).optional(),
  })
  .strict();
export type TestMessageRequest = z.infer<typeof TestMessageRequest>;

export const TestMessageResult = z.object({
  ok: z.boolean(),
  channel: Channel,
  provider_id: z.string().nullable(),
  error: z.string().nullable(),
  /** For a failure: true when retrying would not help (bad address, rejected credentials). */
  permanent: z.boolean().nullable(),
});
export type TestMessageResult = z.infer<typeof TestMessageResult>;

// ---------------------------------------------------------------- the delivery log

export const NOTIFICATION_STATUSES = ['queued', 'sending', 'sent', 'failed', 'expired', 'cancelled', 'batched'] as const;
export const NotificationStatus = z.enum(NOTIFICATION_STATUSES);
export type NotificationStatus = z.infer<typeof NotificationStatus>;

export const NotificationLogEntry = z.object({
  id: z.number().int(),
  alert_id: z.number().int().nullable(),
  /** The alert transition that caused it, 'escalation' for a timed step, 'digest', 'fallback' or 'test'. */
  transition: z.string(),
  step: z.number().int(),
  channel: Channel,
  recipient: z.string(),
  contact_id: z.number().int().nullable(),
  severity: Severity,
  status: NotificationStatus,
  subject: z.string().nullable(),
  body: z.string(),
  attempts: z.number().int(),
  next_attempt_at: isoTime.nullable(),
  expires_at: isoTime.nullable(),
  provider_id: z.string().nullable(),
  error: z.string().nullable(),
  /** The digest that carried this row, when batched. */
  batch_id: z.number().int().nullable(),
  /** The email this SMS stands in for, when a fallback. */
  fallback_of: z.number().int().nullable(),
  created_at: isoTime,
  updated_at: isoTime,
  sent_at: isoTime.nullable(),
  /** When the last attempt started (the rate limiter's token was spent then). */
  claimed_at: isoTime.nullable(),
});
export type NotificationLogEntry = z.infer<typeof NotificationLogEntry>;

export const NotificationLogQuery = z
  .object({
    alert_id: z.coerce.number().int().positive().optional(),
    channel: Channel.optional(),
    status: NotificationStatus.optional(),
    severity: Severity.optional(),
    recipient: z.string().optional(),
    since: isoTime.optional(),
    until: isoTime.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    cursor: z.string().regex(/^\d+$/, 'a next_cursor from a previous page').optional(),
  })
  .strict();
export type NotificationLogQuery = z.input<typeof NotificationLogQuery>;
export type NotificationLogFilter = z.output<typeof NotificationLogQuery>;

export const NotificationLogPage = z.object({ items: z.array(NotificationLogEntry), next_cursor: z.string().nullable() });
export type NotificationLogPage = z.infer<typeof NotificationLogPage>;

// ---------------------------------------------------------------- the alert timeline

export const TimelineEntry = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('notification'),
    at: isoTime,
    id: z.number().int(),
    transition: z.string(),
    step: z.number().int(),
    channel: Channel,
    recipient: z.string(),
    status: NotificationStatus,
    attempts: z.number().int(),
    error: z.string().nullable(),
  }),
  z.object({
    kind: z.literal('escalation'),
    at: isoTime,
    id: z.number().int(),
    round: z.number().int(),
    step: z.number().int(),
    repeat: z.number().int(),
    level: z.string(),
    status: z.enum(['scheduled', 'fired', 'cancelled']),
    due_at: isoTime,
    fired_at: isoTime.nullable(),
    detail: z.string().nullable(),
  }),
]);
export type TimelineEntry = z.infer<typeof TimelineEntry>;
