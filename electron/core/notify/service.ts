// The notifier: channels, templates, the outbox sender and the escalation loop behind the
// methods the API and the dashboard call. The Desk creates one (`desk.notify`).
import { randomUUID } from 'node:crypto';
import type { Channel, Contact } from '../../../shared/domain';
import {
  ChannelSettingsUpdate,
  ContactInput,
  EscalationRuleInput,
  NotificationLogQuery,
  SampleAlert,
  TemplateInput,
  TemplateKind,
  TestMessageRequest,
  type ChannelSettingsView,
  type EscalationRule,
  type NotificationLogPage,
  type NotificationStatus,
  type NotificationTemplate,
  type RenderedNotification,
  type TestMessageResult,
  type TimelineEntry,
} from '../../../shared/notify';
import type { AlertTimelineEntry } from '../../../shared/alerts';
import type { AlertTransitionEvent, AlertTransitionHook } from '../alerts/transitions';
import { InputError } from '../book/types';
import type { EventBus } from '../events';
import { MemorySecretStore, scheduleOnce, systemTimers, type Clock, type DesktopNotifier, type Logger, type SecretStore, type Timers } from '../ports';
import type { Store } from '../store/store';
import { DesktopChannel, nodeDesktopNotifier } from './channels/desktop';
import { EmailChannel } from './channels/email';
import { SnsSmsChannel, TwilioSmsChannel } from './channels/sms';
import { DeliveryError, errorText, type NotificationChannel } from './channels/types';
import { WebhookChannel } from './channels/webhook';
import {
  resolveChannels,
  SECRET_SMTP_PASSWORD,
  SECRET_TWILIO_TOKEN,
  SETTINGS_KEY,
  type NotifyFlags,
  type ProviderEndpoints,
  type ResolvedChannels,
  type SavedChannelSettings,
} from './config';
import { DEFAULT_TEMPLATES } from './defaults';
import { EscalationLoop, type EscalationLoopOptions } from './escalation';
import { NotificationPlanner, type FiredStep } from './planner';
import { DEFAULT_RATE_LIMITS, RateLimiter, type RateLimits } from './ratelimit';
import { OutboxSender, type SenderOptions } from './sender';
import { alertVariables, sampleAlert, TemplateEngine } from './templates';

export interface NotifyOptions {
  flags?: NotifyFlags;
  env?: NodeJS.ProcessEnv;
  /** Secrets saved from the dashboard (safeStorage in Electron; in memory headless). */
  secrets?: SecretStore;
  /** Electron's Notification in the shell; node-notifier headless. */
  desktop?: DesktopNotifier;
  endpoints?: ProviderEndpoints;
  rateLimits?: RateLimits;
  sender?: SenderOptions;
  escalation?: EscalationLoopOptions;
  /** SMTP connections in the pool. */
  smtpConnections?: number;
  timers?: Timers;
}

export interface NotifyDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  events: EventBus;
}

export class NotifyService {
  readonly templates = new TemplateEngine();
  readonly planner: NotificationPlanner;
  readonly sender: OutboxSender;
  readonly escalation: EscalationLoop;
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly events: EventBus;
  private readonly secrets: SecretStore;
  private readonly timers: Timers;
  private resolved: ResolvedChannels | null = null;
  private channels = new Map<Channel, NotificationChannel>();
  private started = false;
  /** Callbacks the hook deferred until after its caller's transaction; dropped by stop(). */
  private readonly deferred = new Set<() => void>();

  constructor(
    deps: NotifyDeps,
    private readonly opts: NotifyOptions = {},
  ) {
    this.store = deps.store;
    this.clock = deps.clock;
    this.logger = deps.logger.child({ part: 'notify' });
    this.events = deps.events;
    this.secrets = opts.secrets ?? new MemorySecretStore();
    this.timers = opts.timers ?? systemTimers;
    this.store.templates.ensureDefaults(DEFAULT_TEMPLATES);
    this.planner = new NotificationPlanner(this.store, this.templates, this.clock, this.logger, () => this.config());
    this.sender = new OutboxSender(
      {
        store: this.store,
        clock: this.clock,
        timers: this.timers,
        logger: this.logger,
        events: this.events,
        planner: this.planner,
        limiter: new RateLimiter(opts.rateLimits ?? DEFAULT_RATE_LIMITS),
        templates: this.templates,
        config: () => this.config(),
        channel: (name) => this.channel(name),
      },
      opts.sender,
    );
    this.escalation = new EscalationLoop(this.store, this.planner, this.events, this.clock, this.timers, this.logger, () => this.sender.wake(), opts.escalation);
  }

  /** Recovers rows a crash left mid-send, then starts the sender and the escalation timers. */
  start(): void {
    if (this.started) return;
    this.started = true;
    // Configured channels connect (and load their SDKs) now rather than on the first page.
    for (const name of ['email', 'sms'] as const) this.channel(name);
    this.sender.recoverInterrupted();
    this.escalation.start();
    this.sender.start();
  }

  /** Stops both loops, waits for deliveries under way, closes SMTP pools. */
  async stop(): Promise<void> {
    for (const cancel of this.deferred) cancel();
    this.deferred.clear();
    this.escalation.stop();
    await this.sender.stop();
    await this.closeChannels();
    this.started = false;
  }

  // ------------------------------------------------------------ the alert engine's hook

  /**
   * Registered with `desk.alerts.addTransitionHook`. Runs inside the alert engine's transaction;
   * its own writes sit in a savepoint, so a failure here loses the notifications (logged, and a
   * `system` error event) but never the alert's state change.
   */
  readonly transitionHook: AlertTransitionHook = (e: AlertTransitionEvent) => {
    if (e.transition === 'updated') return; // a continuing breach never notifies
    let fired: FiredStep[] = [];
    try {
      fired = this.store.transaction(() => this.planner.onTransition(e));
    } catch (err) {
      this.logger.error({ alertId: e.alert.id, transition: e.transition, err: errorText(err) }, 'could not plan notifications');
      this.events.emit('system', { level: 'error', message: `notifications for alert ${e.alert.id} (${e.transition}) failed: ${errorText(err)}`, at: e.at });
      return;
    }
    // After the caller's transaction commits (it is synchronous): wake the sender, announce fired steps.
    const cancel = scheduleOnce(this.timers, () => {
      this.deferred.delete(cancel);
      this.sender.wake();
      for (const f of fired) if (this.stepCommitted(f)) this.escalation.announce(f);
    }, 0);
    this.deferred.add(cancel);
  };

  private stepCommitted(f: FiredStep): boolean {
    return this.store.escalation.timersFor(f.alertId).some((t) => t.round === f.round && t.stepIndex === f.step && t.repeatIndex === f.repeat && t.status === 'fired');
  }

  // ------------------------------------------------------------ channels

  /** The channel configuration in force (flags > environment > saved settings > defaults). */
  config(): ResolvedChannels {
    if (!this.resolved) {
      const saved = this.store.settings.get<SavedChannelSettings>(SETTINGS_KEY) ?? {};
      this.resolved = resolveChannels(this.opts.flags ?? {}, this.opts.env ?? process.env, saved, this.secrets, this.opts.endpoints);
    }
    return this.resolved;
  }

  private channel(name: Channel): NotificationChannel | string {
    const existing = this.channels.get(name);
    if (existing) return existing;
    const cfg = this.config();
    let ch: NotificationChannel | string;
    switch (name) {
      case 'email':
        ch = cfg.email ? new EmailChannel(cfg.email, { maxConnections: this.opts.smtpConnections }) : OutboxSender.notConfigured('email');
        break;
      case 'sms':
        ch = cfg.twilio ? new TwilioSmsChannel(cfg.twilio) : cfg.sns ? new SnsSmsChannel(cfg.sns) : OutboxSender.notConfigured('sms');
        break;
      case 'webhook':
        ch = cfg.webhookEnabled ? new WebhookChannel() : OutboxSender.notConfigured('webhook');
        break;
      case 'desktop':
        ch = cfg.desktopEnabled ? new DesktopChannel(this.opts.desktop ?? nodeDesktopNotifier) : OutboxSender.notConfigured('desktop');
        break;
    }
    if (typeof ch !== 'string') this.channels.set(name, ch);
    return ch;
  }

  private async closeChannels(): Promise<void> {
    const open = [...this.channels.values()];
    this.channels = new Map();
    await Promise.allSettled(open.map((c) => c.close()));
  }

  getChannelSettings(): ChannelSettingsView {
    return this.config().view;
  }

  /** Saves settings (secrets to the SecretStore, the rest audited in the settings table) and reconnects channels. */
  async updateChannelSettings(input: ChannelSettingsUpdate, actor: string): Promise<ChannelSettingsView> {
    const u = ChannelSettingsUpdate.parse(input);
    const saved = this.store.settings.get<SavedChannelSettings>(SETTINGS_KEY) ?? {};
    const { password, ...email } = u.email ?? {};
    const { twilio_auth_token, ...sms } = u.sms ?? {};
    const next: SavedChannelSettings = {
      ...saved,
      ...(u.email ? { email: { ...saved.email, ...email } } : {}),
      ...(u.sms ? { sms: { ...saved.sms, ...sms } } : {}),
      ...(u.desktop ? { desktop: { ...saved.desktop, ...u.desktop } } : {}),
      ...(u.webhook ? { webhook: { ...saved.webhook, ...u.webhook } } : {}),
      ...(u.fallback_after_seconds !== undefined ? { fallback_after_seconds: u.fallback_after_seconds } : {}),
    };
    if (password !== undefined) this.secrets.set(SECRET_SMTP_PASSWORD, password);
    if (twilio_auth_token !== undefined) this.secrets.set(SECRET_TWILIO_TOKEN, twilio_auth_token);
    this.store.transaction(() => {
      this.store.settings.set(SETTINGS_KEY, next, actor);
      const changed = [password !== undefined && `${SECRET_SMTP_PASSWORD} ${password === null ? 'cleared' : 'set'}`, twilio_auth_token !== undefined && `${SECRET_TWILIO_TOKEN} ${twilio_auth_token === null ? 'cleared' : 'set'}`].filter(Boolean);
      if (changed.length) this.store.audit.record({ actor, entity: 'setting', entityId: 'notify.secrets', action: 'update', after: { changed } });
    });
    this.resolved = null;
    await this.closeChannels();
    return this.getChannelSettings();
  }

  /** Sends a test message through a channel now (logged like any notification, transition 'test'). */
  async sendTestMessage(input: TestMessageRequest, actor: string): Promise<TestMessageResult> {
    const req = TestMessageRequest.parse(input);
    const to = req.channel === 'desktop' ? 'desktop' : req.to;
    if (!to) throw new InputError('test message', null, 'to', `a recipient is needed for ${req.channel}`);
    const ch = this.channel(req.channel);
    const at = new Date(this.clock.now()).toISOString();
    const text = `This is a test message from Risk Desk, sent by ${actor} at ${at}. If you can read it, ${req.channel} notifications reach you.`;
    const id = this.store.notifications.enqueue({
      idempotencyKey: `test:${req.channel}:${randomUUID()}`,
      alertId: null,
      transition: 'test',
      step: 0,
      channel: req.channel,
      recipient: to,
      contactId: null,
      severity: 'LOW',
      subject: 'Risk Desk test message',
      body: text,
      expiresAt: null,
    })!;
    this.store.audit.record({ actor, entity: 'notification', entityId: id, action: 'test', after: { channel: req.channel, to } });
    if (typeof ch === 'string') {
      this.store.notifications.claim(id);
      this.store.notifications.finish(id, 'failed', ch);
      return { ok: false, channel: req.channel, provider_id: null, error: ch, permanent: true };
    }
    this.store.notifications.claim(id);
    try {
      const d = await ch.send({ to, subject: 'Risk Desk test message', text, severity: 'LOW', idempotencyKey: `test:${id}` });
      this.store.notifications.markSent(id, d.providerId);
      return { ok: true, channel: req.channel, provider_id: d.providerId, error: null, permanent: null };
    } catch (err) {
      const e = err instanceof DeliveryError ? err : new DeliveryError(errorText(err), false);
      this.store.notifications.finish(id, 'failed', e.message);
      return { ok: false, channel: req.channel, provider_id: null, error: e.message, permanent: e.permanent };
    }
  }

  // ------------------------------------------------------------ contacts

  listContacts(): Contact[] {
    return this.store.contacts.list();
  }

  createContact(input: ContactInput, actor: string): Contact {
    return this.store.contacts.create(ContactInput.parse(input), actor);
  }

  updateContact(id: number, input: ContactInput, actor: string): Contact | undefined {
    return this.store.contacts.update(id, ContactInput.parse(input), actor);
  }

  deleteContact(id: number, actor: string): boolean {
    return this.store.contacts.delete(id, actor);
  }

  // ------------------------------------------------------------ escalation rules

  listRules(): EscalationRule[] {
    return this.store.escalation.listRules();
  }

  getRule(id: number): EscalationRule | undefined {
    return this.store.escalation.getRule(id);
  }

  createRule(input: EscalationRuleInput, actor: string): EscalationRule {
    const rule = EscalationRuleInput.parse(input);
    this.checkRecipients(rule);
    return this.store.escalation.createRule(rule, actor);
  }

  updateRule(id: number, input: EscalationRuleInput, actor: string): EscalationRule | undefined {
    const rule = EscalationRuleInput.parse(input);
    this.checkRecipients(rule);
    return this.store.escalation.updateRule(id, rule, actor);
  }

  deleteRule(id: number, actor: string): boolean {
    return this.store.escalation.deleteRule(id, actor);
  }

  private checkRecipients(rule: ReturnType<typeof EscalationRuleInput.parse>): void {
    rule.steps.forEach((s, i) =>
      s.recipients.forEach((r, j) => {
        if ('contact_id' in r && !this.store.contacts.get(r.contact_id)) {
          throw new InputError('escalation rule', null, `steps.${i}.recipients.${j}.contact_id`, `no contact ${r.contact_id}`);
        }
      }),
    );
  }

  // ------------------------------------------------------------ templates

  listTemplates(): NotificationTemplate[] {
    return this.store.templates.list();
  }

  getTemplate(kind: TemplateKind): NotificationTemplate {
    return this.store.templates.get(TemplateKind.parse(kind)) ?? { kind, ...DEFAULT_TEMPLATES[kind], updated_at: new Date(0).toISOString() };
  }

  /** Saves a template after it parses and renders against a sample alert; throws TemplateError (line, column) otherwise. */
  updateTemplate(kind: TemplateKind, input: TemplateInput, actor: string): NotificationTemplate {
    const k = TemplateKind.parse(kind);
    const t = TemplateInput.parse(input);
    this.previewTemplate(k, t);
    return this.store.templates.save(k, t, actor);
  }

  /** Renders a draft against a sample alert (the dashboard's live preview). Throws TemplateError. */
  previewTemplate(kind: TemplateKind, draft: TemplateInput, sample?: SampleAlert): RenderedNotification {
    const k = TemplateKind.parse(kind);
    const t = TemplateInput.parse(draft);
    this.templates.check(k, t);
    const { alert, ctx } = sampleAlert(SampleAlert.parse(sample ?? {}));
    if (k === 'digest') {
      const one = { severity: alert.severity, transition: 'triggered', time: alert.triggered_at, ...alertVariables(alert, ctx) };
      const two = { ...one, severity: 'HIGH', portfolio: 'tech_growth', metric: 'volatility', current_value: '38.20%', threshold: '35.00%' };
      return this.templates.render(k, t, { count: 2, alerts: [one, two], severities: [{ severity: 'CRITICAL', count: 1 }, { severity: 'HIGH', count: 1 }], channel: 'email', recipient: 'oncall@example.com' });
    }
    return this.templates.render(k, t, alertVariables(alert, ctx));
  }

  // ------------------------------------------------------------ the log and the timeline

  listNotifications(query: NotificationLogQuery = {}): NotificationLogPage {
    const q = NotificationLogQuery.parse(query);
    const norm = (t?: string) => (t === undefined ? undefined : new Date(t).toISOString());
    return this.store.notifications.list({ ...q, since: norm(q.since), until: norm(q.until) });
  }

  /** Notifications and escalation steps of one alert, in time order, for the alert's timeline. */
  timelineEntries(alertId: number): TimelineEntry[] {
    const out: TimelineEntry[] = [];
    for (const n of this.store.notifications.forAlert(alertId)) {
      out.push({
        kind: 'notification',
        at: n.sentAt ?? n.updatedAt,
        id: n.id,
        transition: n.transition,
        step: n.step,
        channel: n.channel as Channel,
        recipient: n.recipient,
        status: n.status as NotificationStatus,
        attempts: n.attempts,
        error: n.error,
      });
    }
    for (const t of this.store.escalation.timersFor(alertId)) {
      out.push({
        kind: 'escalation',
        at: t.firedAt ?? t.dueAt,
        id: t.id,
        round: t.round,
        step: t.stepIndex,
        repeat: t.repeatIndex,
        level: t.level,
        status: t.status as 'scheduled' | 'fired' | 'cancelled',
        due_at: t.dueAt,
        fired_at: t.firedAt,
        detail: t.detail,
      });
    }
    return out.sort((a, b) => a.at.localeCompare(b.at) || (a.kind === b.kind ? a.id - b.id : a.kind === 'escalation' ? -1 : 1));
  }

  /** The same entries in the alert engine's timeline form (registered as its 'notify' timeline source). */
  alertTimeline(alertId: number): AlertTimelineEntry[] {
    return this.timelineEntries(alertId).map((e) =>
      e.kind === 'notification'
        ? {
            at: e.at,
            source: 'notify',
            kind: 'notification',
            actor: 'system',
            summary: `${e.channel} to ${e.recipient}: ${e.status}${e.attempts > 1 ? ` after ${e.attempts} attempts` : ''}${e.error && e.status !== 'sent' ? ` (${e.error})` : ''}`,
            data: { ...e },
          }
        : {
            at: e.at,
            source: 'escalation',
            kind: 'escalation',
            actor: 'system',
            summary: `step ${e.step}${e.repeat ? ` (repeat ${e.repeat})` : ''} ${e.level}: ${e.status}${e.status === 'scheduled' ? ` for ${e.due_at}` : ''}${e.detail ? ` (${e.detail})` : ''}`,
            data: { ...e },
          },
    );
  }
}
