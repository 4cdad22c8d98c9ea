// Turning alert transitions and escalation timers into outbox rows. Everything here runs
// synchronously inside a store transaction and performs no I/O: the rows it writes land
// atomically with the state change that caused them, and the sender delivers them later.
import type { Alert, Channel, Contact } from '../../../shared/domain';
import type { EscalationPolicy, EscalationRule, EscalationStepInput, TemplateKind } from '../../../shared/notify';
import type { AlertTransitionEvent } from '../alerts/transitions';
import type { Clock, Logger } from '../ports';
import type { OutboxRow } from '../store/repositories/notifications';
import type { EscalationTimer } from '../store/repositories/escalation';
import type { Store } from '../store/store';
import type { ResolvedChannels } from './config';
import { DEFAULT_TEMPLATES } from './defaults';
import { alertVariables, type TemplateEngine, TemplateError } from './templates';

/** The idempotency key of one notification: (alert, transition and round, step and repeat, channel, recipient). */
export function notificationKey(k: { alertId: number; round: number; transition: string; step: number; repeat: number; channel: Channel; recipient: string }): string {
  return `alert:${k.alertId}/${k.transition}#${k.round}/step:${k.step}.${k.repeat}/${k.channel}/${k.recipient}`;
}

/** A step that fired, for the `escalation` event once the transaction has committed. */
export interface FiredStep {
  alertId: number;
  portfolioId: string;
  round: number;
  step: number;
  repeat: number;
  level: string;
  channels: Channel[];
  recipients: string[];
  dueAt: number;
  firedAt: number;
}

export function expandChannels(channels: EscalationStepInput['channels']): Channel[] {
  const out = new Set<Channel>();
  for (const c of channels) {
    if (c === 'both') {
      out.add('email');
      out.add('sms');
    } else out.add(c);
  }
  return [...out];
}

export class NotificationPlanner {
  constructor(
    private readonly store: Store,
    private readonly templates: TemplateEngine,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly config: () => ResolvedChannels,
  ) {}

  private iso(ms = this.clock.now()): string {
    return new Date(ms).toISOString();
  }

  // ------------------------------------------------------------ alert transitions

  /** The hook body. Returns the steps fired at once (step 0 of a new round). */
  onTransition(e: AlertTransitionEvent): FiredStep[] {
    const a = e.alert;
    switch (e.transition) {
      case 'updated':
        return [];
      case 'triggered':
      case 'reopened':
      case 'upgraded': {
        const previous = e.transition === 'triggered' ? null : this.store.escalation.policy(a.id);
        const round = previous ? previous.round + 1 : 0;
        if (e.transition !== 'triggered') this.cancel(a.id, `superseded: ${e.transition}`, e.actor, ['escalation']);
        const rule = this.store.escalation.matchRule(a.severity, a.portfolio_id);
        const policy = rule ? this.policyOf(rule, round, e.at) : null;
        if (policy) this.store.escalation.setPolicy(a.id, policy);
        if (!e.notify) {
          this.store.audit.record({ actor: e.actor, entity: 'escalation', entityId: a.id, action: 'suppressed', after: { transition: e.transition, reason: e.reason ?? null } });
          return [];
        }
        if (!policy) {
          this.logger.warn({ alertId: a.id, severity: a.severity, portfolio: a.portfolio_id }, 'no escalation rule matches; desktop notification only');
          this.enqueueTo(a, { transition: e.transition, round, step: 0, repeat: 0, kind: 'new_alert', level: null, channels: ['desktop'], contacts: [] });
          return [];
        }
        return this.startRound(a, policy, e.transition, Date.parse(e.at));
      }
      case 'flapping': {
        if (!e.notify) return [];
        const policy = this.store.escalation.policy(a.id);
        if (!policy) return [];
        const step = policy.steps[0];
        this.enqueueTo(a, { transition: 'flapping', round: policy.round, step: 0, repeat: 0, kind: 'new_alert', level: step.level, channels: expandChannels(step.channels), contacts: this.resolveRecipients(step) });
        return [];
      }
      case 'acknowledged': {
        this.cancel(a.id, `acknowledged by ${a.acknowledged_by ?? e.actor}`, e.actor, ['escalation']);
        return [];
      }
      case 'resolved': {
        this.cancel(a.id, `resolved${a.resolved_by ? ` by ${a.resolved_by}` : ''}`, e.actor);
        if (e.notify) this.enqueueResolution(a);
        return [];
      }
    }
  }

  private policyOf(rule: EscalationRule, round: number, at: string): EscalationPolicy {
    return {
      rule_id: rule.id,
      name: rule.name,
      severity: rule.severity,
      repeat_count: rule.repeat_count,
      repeat_interval_minutes: rule.repeat_interval_minutes,
      steps: rule.steps.map((s) => ({ level: s.level, delay_minutes: s.delay_minutes, recipients: s.recipients, channels: s.channels })),
      round,
      started_at: new Date(Date.parse(at)).toISOString(),
    };
  }

  /** Schedules every step of a round; steps already due (delay 0) fire inside this transaction. */
  private startRound(a: Alert, policy: EscalationPolicy, transition: string, startMs: number): FiredStep[] {
    const fired: FiredStep[] = [];
    const now = this.clock.now();
    policy.steps.forEach((s, i) => {
      const due = startMs + s.delay_minutes * 60_000;
      const timer = { alertId: a.id, round: policy.round, stepIndex: i, repeatIndex: 0, level: s.level, dueAt: this.iso(due) };
      if (due <= now) {
        if (this.store.escalation.schedule(timer, 'fired', this.iso(now), `fired with ${transition}`)) {
          fired.push(this.fire(a, policy, i, 0, transition, due));
        }
      } else this.store.escalation.schedule(timer);
    });
    return fired;
  }

  /** Cancels scheduled timers and queued rows of an alert; audited (entity 'escalation', id = the alert's). */
  private cancel(alertId: number, reason: string, actor: string, onlyTransitions?: string[]): void {
    const timers = this.store.escalation.cancelPending(alertId, reason);
    const rows = this.store.notifications.cancelQueuedForAlert(alertId, ['resolved'], reason, onlyTransitions);
    if (timers || rows) this.store.audit.record({ actor, entity: 'escalation', entityId: alertId, action: 'cancelled', after: { reason, timers, notifications: rows } });
  }

  // ------------------------------------------------------------ escalation timers

  /**
   * Fires a due timer (scheduled -> fired), or cancels it when the alert is no longer waiting for
   * anyone. Returns the fired step, or null when nothing was sent (another pass settled it, or it
   * was cancelled).
   */
  fireTimer(t: EscalationTimer): FiredStep | null {
    const alert = this.store.alerts.get(t.alertId);
    const policy = this.store.escalation.policy(t.alertId);
    let reason: string | null = null;
    if (!alert || !policy) reason = 'alert or policy missing';
    else if (alert.status !== 'TRIGGERED') reason = `alert ${alert.status.toLowerCase()}`;
    else if (policy.round !== t.round) reason = `superseded by round ${policy.round}`;
    else if (!policy.steps[t.stepIndex]) reason = 'step no longer in the policy';
    if (reason) {
      this.store.escalation.settle(t.id, 'cancelled', reason);
      return null;
    }
    const late = this.clock.now() - Date.parse(t.dueAt);
    if (!this.store.escalation.settle(t.id, 'fired', late > 60_000 ? `fired ${Math.round(late / 1000)} s late` : null)) return null;
    return this.fire(alert!, policy!, t.stepIndex, t.repeatIndex, 'escalation', Date.parse(t.dueAt));
  }

  private fire(a: Alert, policy: EscalationPolicy, stepIndex: number, repeat: number, transition: string, dueMs: number): FiredStep {
    const step = policy.steps[stepIndex];
    const contacts = this.resolveRecipients(step);
    const channels = expandChannels(step.channels);
    const kind: TemplateKind = transition === 'escalation' ? 'escalation' : 'new_alert';
    this.enqueueTo(a, { transition, round: policy.round, step: stepIndex, repeat, kind, level: step.level, channels, contacts });
    // The last step repeats while nobody acknowledges: the next repeat is scheduled as this one fires.
    if (stepIndex === policy.steps.length - 1 && repeat < policy.repeat_count) {
      const next = Math.max(dueMs, this.clock.now()) + policy.repeat_interval_minutes * 60_000;
      this.store.escalation.schedule({ alertId: a.id, round: policy.round, stepIndex, repeatIndex: repeat + 1, level: step.level, dueAt: this.iso(next) });
    }
    const now = this.clock.now();
    const f: FiredStep = {
      alertId: a.id,
      portfolioId: a.portfolio_id,
      round: policy.round,
      step: stepIndex,
      repeat,
      level: step.level,
      channels,
      recipients: contacts.map((c) => c.name),
      dueAt: dueMs,
      firedAt: now,
    };
    this.store.audit.record({
      actor: 'system',
      entity: 'escalation',
      entityId: a.id,
      action: 'step',
      after: { round: f.round, step: f.step, repeat: f.repeat, level: f.level, channels, recipients: f.recipients, due_at: this.iso(dueMs), late_ms: Math.max(0, now - dueMs) },
    });
    return f;
  }

  /** Contacts by id, or every enabled holder of a role, resolved now; each contact once. */
  resolveRecipients(step: EscalationStepInput): Contact[] {
    const seen = new Map<number, Contact>();
    for (const r of step.recipients) {
      const found = 'contact_id' in r ? [this.store.contacts.get(r.contact_id)].filter((c): c is Contact => !!c && c.enabled) : this.store.contacts.withRole(r.role);
      for (const c of found) seen.set(c.id, c);
    }
    return [...seen.values()];
  }

  // ------------------------------------------------------------ writing rows

  private enqueueTo(
    a: Alert,
    p: { transition: string; round: number; step: number; repeat: number; kind: TemplateKind; level: string | null; channels: Channel[]; contacts: Contact[] },
  ): number {
    const cfg = this.config();
    const rendered = this.render(p.kind, a, { transition: p.transition, step: p.step, escalationLevel: p.level });
    const nowMs = this.clock.now();
    let written = 0;
    const add = (channel: Channel, recipient: string, contactId: number | null) => {
      const id = this.store.notifications.enqueue({
        idempotencyKey: notificationKey({ alertId: a.id, round: p.round, transition: p.transition, step: p.step, repeat: p.repeat, channel, recipient: contactId !== null ? `c${contactId}` : recipient }),
        alertId: a.id,
        transition: p.transition,
        step: p.step,
        channel,
        recipient,
        contactId,
        severity: a.severity,
        subject: channel === 'sms' ? null : rendered.subject,
        body: channel === 'sms' || channel === 'desktop' ? rendered.sms : rendered.body,
        expiresAt: channel === 'sms' ? new Date(nowMs + cfg.smsValidityMs).toISOString() : null,
      });
      if (id !== null) written++;
    };
    for (const channel of p.channels) {
      if (channel === 'desktop') {
        if (cfg.desktopEnabled) add('desktop', 'desktop', null);
        continue;
      }
      if (channel === 'webhook' && !cfg.webhookEnabled) continue;
      for (const c of p.contacts) {
        const address = channel === 'email' ? c.email : channel === 'sms' ? c.phone : c.webhook_url;
        if (address) add(channel, address, c.id);
        else this.logger.warn({ alertId: a.id, contact: c.id, channel }, 'contact has no address for this channel; skipped');
      }
    }
    return written;
  }

  /** Tells everyone who heard of the alert (each channel and recipient once) that it is resolved. */
  private enqueueResolution(a: Alert): void {
    const round = this.store.escalation.policy(a.id)?.round ?? 0;
    const rendered = this.render('resolution', a, { transition: 'resolved' });
    for (const t of this.store.notifications.toldAbout(a.id)) {
      this.store.notifications.enqueue({
        idempotencyKey: notificationKey({ alertId: a.id, round, transition: 'resolved', step: 0, repeat: 0, channel: t.channel, recipient: t.contactId !== null ? `c${t.contactId}` : t.recipient }),
        alertId: a.id,
        transition: 'resolved',
        step: 0,
        channel: t.channel,
        recipient: t.recipient,
        contactId: t.contactId,
        severity: a.severity,
        subject: t.channel === 'sms' ? null : rendered.subject,
        body: t.channel === 'sms' || t.channel === 'desktop' ? rendered.sms : rendered.body,
        expiresAt: t.channel === 'sms' ? new Date(this.clock.now() + this.config().smsValidityMs).toISOString() : null,
      });
    }
  }

  /**
   * The SMS that stands in for a CRITICAL email (failed for good, or not accepted in time). Its key
   * is the step's own SMS key, so a contact the step already texted is not texted twice.
   */
  enqueueFallback(email: OutboxRow, reason: string): number | null {
    if (email.contactId === null || email.alertId === null) return null;
    const contact = this.store.contacts.get(email.contactId);
    if (!contact?.phone) {
      this.logger.warn({ notification: email.id, contact: email.contactId }, 'CRITICAL email has no SMS fallback: contact has no phone');
      return null;
    }
    const alert = this.store.alerts.get(email.alertId);
    if (!alert) return null;
    const rendered = this.render(email.transition === 'escalation' ? 'escalation' : email.transition === 'resolved' ? 'resolution' : 'new_alert', alert, {
      transition: email.transition,
      step: email.step,
    });
    const id = this.store.notifications.enqueue({
      idempotencyKey: email.idempotencyKey.replace(/\/email\/(c\d+)$/, '/sms/$1'),
      alertId: email.alertId,
      transition: email.transition,
      step: email.step,
      channel: 'sms',
      recipient: contact.phone,
      contactId: contact.id,
      severity: email.severity as Alert['severity'],
      subject: null,
      body: rendered.sms,
      expiresAt: new Date(this.clock.now() + this.config().smsValidityMs).toISOString(),
      fallbackOf: email.id,
    });
    if (id !== null) {
      this.store.audit.record({ actor: 'system', entity: 'notification', entityId: email.id, action: 'fallback.sms', after: { sms: id, reason } });
      this.logger.info({ notification: email.id, sms: id, reason }, 'CRITICAL email falls back to SMS');
    }
    return id;
  }

  /** Renders with the saved template; a template that fails at render time falls back to the default (and says so). */
  render(kind: TemplateKind, a: Alert, ctx: { transition: string; step?: number; escalationLevel?: string | null }) {
    const vars = alertVariables(a, { ...ctx, portfolioName: this.store.book.getPortfolio(a.portfolio_id)?.name ?? null });
    const saved = this.store.templates.get(kind) ?? DEFAULT_TEMPLATES[kind];
    try {
      return this.templates.render(kind, saved, vars);
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      this.logger.error({ kind, err: err.message }, 'saved template failed to render; the default was used');
      return this.templates.render(kind, DEFAULT_TEMPLATES[kind], vars);
    }
  }
}
