// The outbox sender: an async loop that claims due rows (queued -> sending), delivers them
// through their channel, and records the outcome. Retries back off exponentially with jitter;
// permanent errors fail at once; an SMS past its validity is marked expired, never sent late.
//
// Crash safety. Rows are claimed one by one with a conditional update, so no two passes send the
// same row. A crash between the provider's acceptance and `markSent` leaves a row in 'sending';
// on the next start that row is:
//   - email, webhook: queued again (at-least-once). The email keeps its Message-ID (derived from
//     the idempotency key) and the webhook its Idempotency-Key header, so a duplicate is
//     recognisable as the same message.
//   - sms, desktop: marked failed 'interrupted' (at-most-once): a second page at 3 a.m. for the
//     same step is worse than a gap the log shows, and a desktop toast from before a restart is
//     stale. A `system` warning names the SMS so a person can check.
import type { Channel, Severity } from '../../../shared/domain';
import type { EventBus } from '../events';
import { scheduleOnce, type Clock, type Logger, type Timers } from '../ports';
import type { OutboxRow } from '../store/repositories/notifications';
import type { Store } from '../store/store';
import { DeliveryError, errorText, type NotificationChannel } from './channels/types';
import type { ResolvedChannels } from './config';
import { notConfiguredReason } from './config';
import type { NotificationPlanner } from './planner';
import type { RateLimiter } from './ratelimit';
import type { TemplateEngine } from './templates';
import { DEFAULT_TEMPLATES } from './defaults';
import { alertVariables } from './templates';

export interface RetryPolicy {
  /** First retry after about this long; each further retry doubles it. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Attempts in all (the first included) before a row fails for good. */
  maxAttempts: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseDelayMs: 5_000, maxDelayMs: 300_000, maxAttempts: 8 };

/** Exponential backoff with jitter: the n-th retry waits between half and all of base * 2^(n-1), capped. */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling * (0.5 + 0.5 * random()));
}

export interface SenderOptions {
  retry?: RetryPolicy;
  /** Rows looked at per pass. */
  batchSize?: number;
  /** How often the loop looks for due rows when nothing woke it. */
  pollMs?: number;
  random?: () => number;
}

export interface SenderDeps {
  store: Store;
  clock: Clock;
  timers: Timers;
  logger: Logger;
  events: EventBus;
  planner: NotificationPlanner;
  limiter: RateLimiter;
  templates: TemplateEngine;
  config: () => ResolvedChannels;
  /** The channel for a row, or a reason it cannot be sent. */
  channel: (name: Channel) => NotificationChannel | string;
}

export interface PassResult {
  sent: number;
  failed: number;
  retried: number;
  expired: number;
  deferred: number;
  batched: number;
}

const SEVERITY_ORDER: Severity[] = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

export class OutboxSender {
  private readonly retry: RetryPolicy;
  private readonly batchSize: number;
  private readonly pollMs: number;
  private readonly random: () => number;
  private running = false;
  private cancelTimer: (() => void) | null = null;
  private current: Promise<PassResult> | null = null;
  private rerun = false;
  private readonly inflight = new Set<Promise<void>>();
  /** CRITICAL emails already given their chance of a fallback (so one without a phone is not retried every pass). */
  private readonly fallbackTried = new Set<number>();

  constructor(
    private readonly d: SenderDeps,
    opts: SenderOptions = {},
  ) {
    this.retry = opts.retry ?? DEFAULT_RETRY;
    this.batchSize = opts.batchSize ?? 200;
    this.pollMs = opts.pollMs ?? 1_000;
    this.random = opts.random ?? Math.random;
  }

  private iso(ms = this.d.clock.now()): string {
    return new Date(ms).toISOString();
  }

  /** Settles rows a crashed process left in 'sending' (see the header). Call before the first pass. */
  recoverInterrupted(): { requeued: number; abandoned: number } {
    let requeued = 0;
    let abandoned = 0;
    for (const row of this.d.store.notifications.interrupted()) {
      if (row.channel === 'email' || row.channel === 'webhook') {
        this.d.store.notifications.requeue(row.id, 'interrupted by a restart; sent again (at-least-once)');
        requeued++;
      } else {
        this.d.store.notifications.finish(row.id, 'failed', 'interrupted by a restart while sending; not sent again (at-most-once)');
        abandoned++;
        if (row.channel === 'sms') {
          this.d.events.emit('system', {
            level: 'warning',
            message: `SMS #${row.id} to ${row.recipient} (alert ${row.alertId ?? '-'}) was being sent when the engine stopped; it is not sent again: check it arrived`,
            at: this.iso(),
          });
        }
      }
    }
    if (requeued || abandoned) this.d.logger.warn({ requeued, abandoned }, 'outbox rows interrupted by a restart');
    return { requeued, abandoned };
  }

  start(): void {
    this.running = true;
    this.schedule(0);
  }

  /** Stops the loop and waits for deliveries under way (SMTP pools are closed by the owner after). */
  async stop(): Promise<void> {
    this.running = false;
    this.cancelTimer?.();
    this.cancelTimer = null;
    if (this.current) await this.current.catch(() => undefined);
    await Promise.allSettled([...this.inflight]);
  }

  /** Asks for a pass soon (after the current transaction has committed). */
  wake(): void {
    if (!this.running) return;
    if (this.current) {
      this.rerun = true;
      return;
    }
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    this.cancelTimer?.();
    this.cancelTimer = scheduleOnce(this.d.timers, () => {
      this.cancelTimer = null;
      void this.loopPass();
    }, ms);
  }

  private async loopPass(): Promise<void> {
    let result: PassResult | null = null;
    try {
      result = await this.pass();
    } catch (err) {
      this.d.logger.error({ err: errorText(err) }, 'outbox pass failed');
    }
    if (!this.running) return;
    const busy = this.rerun || (result !== null && result.sent + result.failed + result.retried + result.expired + result.batched > 0);
    this.rerun = false;
    if (busy) return this.schedule(0);
    const next = this.d.store.notifications.nextDueAt();
    const wait = next ? Math.max(0, Date.parse(next) - this.d.clock.now()) : this.pollMs;
    this.schedule(Math.min(wait, this.pollMs));
  }

  /** One pass: fallbacks for slow CRITICAL emails, then every due row (deliveries awaited). */
  pass(): Promise<PassResult> {
    if (this.current) return this.current;
    this.current = this.runPass().finally(() => {
      this.current = null;
    });
    return this.current;
  }

  private async runPass(): Promise<PassResult> {
    const r: PassResult = { sent: 0, failed: 0, retried: 0, expired: 0, deferred: 0, batched: 0 };
    const now = this.d.clock.now();
    const cfg = this.d.config();
    const { store } = this.d;

    for (const email of store.notifications.overdueCriticalEmails(this.iso(now - cfg.fallbackAfterMs))) {
      if (this.fallbackTried.has(email.id)) continue;
      this.fallbackTried.add(email.id);
      store.transaction(() => this.d.planner.enqueueFallback(email, `not accepted within ${cfg.fallbackAfterMs / 1000} s`));
    }

    const deliveries: Promise<void>[] = [];
    for (const row of store.notifications.due(this.iso(now), this.batchSize)) {
      // Each row is judged at its own moment: a long pass must not spend tokens at a stale time.
      const at = this.d.clock.now();
      if (row.expiresAt && Date.parse(row.expiresAt) <= at) {
        if (store.notifications.finish(row.id, 'expired', `not sent within its validity (until ${row.expiresAt})`)) r.expired++;
        continue;
      }
      const channel = this.d.channel(row.channel as Channel);
      if (typeof channel === 'string') {
        if (store.notifications.claim(row.id)) this.fail(row, channel, r);
        continue;
      }
      const critical = row.severity === 'CRITICAL';
      const decision = this.d.limiter.check(row.channel as Channel, row.recipient, at, !critical);
      if (!decision.ok) {
        if (decision.scope === 'recipient' && row.transition !== 'digest' && row.transition !== 'test') {
          this.batch(row, at);
          r.batched++;
        } else {
          store.notifications.defer(row.id, this.iso(at + decision.waitMs));
          r.deferred++;
        }
        continue;
      }
      if (!store.notifications.claim(row.id)) continue;
      this.d.limiter.take(row.channel as Channel, row.recipient, at);
      const claimed = row.transition === 'digest' ? this.renderDigest(row) : row;
      deliveries.push(this.deliver(claimed, channel, r));
    }
    await Promise.all(deliveries);
    return r;
  }

  /** Sends one claimed row now and records the outcome. */
  deliver(row: OutboxRow, channel: NotificationChannel, r?: PassResult): Promise<void> {
    const attempts = row.attempts + (row.status === 'queued' ? 1 : 0);
    const p = channel
      .send({ to: row.recipient, subject: row.subject, text: row.body, severity: row.severity as Severity, idempotencyKey: row.idempotencyKey, alertId: row.alertId })
      .then(
        (d) => {
          this.d.store.notifications.markSent(row.id, d.providerId);
          if (r) r.sent++;
        },
        (err: unknown) => {
          const e = err instanceof DeliveryError ? err : new DeliveryError(errorText(err), false);
          const now = this.d.clock.now();
          const nextAt = now + backoffMs(attempts, this.retry, this.random);
          const outOfTime = row.expiresAt !== null && nextAt >= Date.parse(row.expiresAt);
          if (e.permanent || attempts >= this.retry.maxAttempts || outOfTime) {
            const why = e.permanent ? e.message : outOfTime ? `${e.message} (no retry left before it expires)` : `${e.message} (gave up after ${attempts} attempts)`;
            this.fail({ ...row, attempts }, why, r);
          } else {
            this.d.store.notifications.markRetry(row.id, e.message, this.iso(nextAt));
            this.d.logger.info({ notification: row.id, channel: row.channel, attempt: attempts, error: e.message }, 'delivery failed; will retry');
            if (r) r.retried++;
          }
        },
      );
    const tracked = p.finally(() => this.inflight.delete(tracked));
    this.inflight.add(tracked);
    return tracked;
  }

  private fail(row: OutboxRow, error: string, r?: PassResult): void {
    const { store } = this.d;
    store.transaction(() => {
      store.notifications.finish(row.id, 'failed', error);
      if (row.channel === 'email' && row.severity === 'CRITICAL') this.d.planner.enqueueFallback(row, error);
    });
    const level = row.channel === 'desktop' ? 'info' : 'warn';
    this.d.logger[level]({ notification: row.id, channel: row.channel, alertId: row.alertId, error }, row.channel === 'desktop' ? 'desktop notification not shown (best effort)' : 'notification failed');
    if (r) r.failed++;
  }

  /** Folds a row over its recipient's limit into the recipient's open digest (created if none). */
  private batch(row: OutboxRow, now: number): void {
    const { store } = this.d;
    store.transaction(() => {
      let digest = store.notifications.openDigest(row.channel as Channel, row.recipient);
      if (!digest) {
        const wait = this.d.limiter.recipientWaitMs(row.channel as Channel, row.recipient, now);
        const id = store.notifications.enqueue({
          idempotencyKey: `digest:${row.channel}:${row.recipient}:${row.id}`,
          alertId: null,
          transition: 'digest',
          step: 0,
          channel: row.channel as Channel,
          recipient: row.recipient,
          contactId: row.contactId,
          severity: row.severity as Severity,
          subject: 'digest',
          body: '(rendered when sent)',
          // An SMS digest is as urgent as its first member: it expires with it.
          expiresAt: row.expiresAt,
          nextAttemptAt: this.iso(now + wait),
        });
        digest = store.notifications.get(id!)!;
      }
      store.notifications.batchInto(row.id, digest.id);
    });
  }

  /** Renders a claimed digest from its members (the digest template) and returns the row to send. */
  private renderDigest(row: OutboxRow): OutboxRow {
    const { store } = this.d;
    const members = store.notifications.digestMembers(row.id);
    const items = members.map((m) => {
      const alert = m.alertId !== null ? store.alerts.get(m.alertId) : undefined;
      const v = alert ? alertVariables(alert, { transition: m.transition }) : {};
      return { severity: m.severity, transition: m.transition, subject: m.subject, time: m.createdAt, ...v };
    });
    const severities = SEVERITY_ORDER.slice()
      .reverse()
      .map((s) => ({ severity: s, count: members.filter((m) => m.severity === s).length }))
      .filter((s) => s.count > 0);
    const top = severities[0]?.severity ?? (row.severity as Severity);
    const vars = { count: members.length, alerts: items, severities, channel: row.channel, recipient: row.recipient };
    const saved = store.templates.get('digest') ?? DEFAULT_TEMPLATES.digest;
    let rendered;
    try {
      rendered = this.d.templates.render('digest', saved, vars);
    } catch {
      rendered = this.d.templates.render('digest', DEFAULT_TEMPLATES.digest, vars);
    }
    const subject = row.channel === 'sms' ? null : rendered.subject;
    const body = row.channel === 'sms' || row.channel === 'desktop' ? rendered.sms : rendered.body;
    store.notifications.setContent(row.id, subject, body, top);
    return { ...row, subject, body, severity: top, status: 'sending', attempts: row.attempts + 1 };
  }

  /** For a channel that is not configured at all. */
  static notConfigured(channel: Channel): string {
    return channel === 'email' || channel === 'sms' ? notConfiguredReason(channel) : `${channel} notifications are disabled`;
  }
}
