// The outbox and the delivery log in one table (notification_logs). Rows are written in the
// transaction of the state change that caused them; the sender claims them (queued -> sending)
// with conditional updates, so two passes (or two processes) never deliver the same row.
import { and, asc, desc, eq, gte, inArray, isNull, lt, lte, ne, notInArray, or, sql } from 'drizzle-orm';
import type { Channel, Severity } from '../../../../shared/domain';
import type { NotificationLogEntry, NotificationLogFilter, NotificationStatus } from '../../../../shared/notify';
import type { Db } from '../db';
import { notificationLogs } from '../schema';

export type OutboxRow = typeof notificationLogs.$inferSelect;

export interface NewNotification {
  idempotencyKey: string;
  alertId: number | null;
  transition: string;
  step: number;
  channel: Channel;
  recipient: string;
  contactId: number | null;
  severity: Severity;
  subject: string | null;
  body: string;
  expiresAt: string | null;
  /** Not before (null = at once). */
  nextAttemptAt?: string | null;
  fallbackOf?: number | null;
}

export function toLogEntry(r: OutboxRow): NotificationLogEntry {
  return {
    id: r.id,
    alert_id: r.alertId,
    transition: r.transition,
    step: r.step,
    channel: r.channel as Channel,
    recipient: r.recipient,
    contact_id: r.contactId,
    severity: r.severity as Severity,
    status: r.status as NotificationStatus,
    subject: r.subject,
    body: r.body,
    attempts: r.attempts,
    next_attempt_at: r.nextAttemptAt,
    expires_at: r.expiresAt,
    provider_id: r.providerId,
    error: r.error,
    batch_id: r.batchId,
    fallback_of: r.fallbackOf,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
    sent_at: r.sentAt,
    claimed_at: r.claimedAt,
  };
}

/** CRITICAL first, then by age. */
const severityOrder = sql`case ${notificationLogs.severity} when 'CRITICAL' then 0 when 'HIGH' then 1 when 'MEDIUM' then 2 else 3 end`;
const OPEN: NotificationStatus[] = ['queued', 'sending'];

export class NotificationRepository {
  constructor(
    private readonly db: Db,
    private readonly now: () => string,
  ) {}

  /** Writes a queued row unless its idempotency key exists. Returns the new id, or null for a duplicate. */
  enqueue(n: NewNotification): number | null {
    const at = this.now();
    const row = this.db
      .insert(notificationLogs)
      .values({
        idempotencyKey: n.idempotencyKey,
        alertId: n.alertId,
        transition: n.transition,
        step: n.step,
        channel: n.channel,
        recipient: n.recipient,
        contactId: n.contactId,
        severity: n.severity,
        status: 'queued',
        subject: n.subject,
        body: n.body,
        expiresAt: n.expiresAt,
        nextAttemptAt: n.nextAttemptAt ?? null,
        fallbackOf: n.fallbackOf ?? null,
        createdAt: at,
        updatedAt: at,
      })
      .onConflictDoNothing({ target: notificationLogs.idempotencyKey })
      .returning({ id: notificationLogs.id })
      .get();
    return row?.id ?? null;
  }

  get(id: number): OutboxRow | undefined {
    return this.db.select().from(notificationLogs).where(eq(notificationLogs.id, id)).get();
  }

  byKey(key: string): OutboxRow | undefined {
    return this.db.select().from(notificationLogs).where(eq(notificationLogs.idempotencyKey, key)).get();
  }

  /** Queued rows whose time has come, CRITICAL first. */
  due(at: string, limit: number): OutboxRow[] {
    return this.db
      .select()
      .from(notificationLogs)
      .where(and(eq(notificationLogs.status, 'queued'), or(isNull(notificationLogs.nextAttemptAt), lte(notificationLogs.nextAttemptAt, at))))
      .orderBy(severityOrder, asc(notificationLogs.id))
      .limit(limit)
      .all();
  }

  /** The earliest next_attempt_at of queued rows (to know when to look again), or null. */
  nextDueAt(): string | null {
    const r = this.db
      .select({ at: sql<string | null>`min(coalesce(${notificationLogs.nextAttemptAt}, ${notificationLogs.createdAt}))` })
      .from(notificationLogs)
      .where(eq(notificationLogs.status, 'queued'))
      .get();
    return r?.at ?? null;
  }

  /** queued -> sending, counting the attempt. False when the row was not queued any more. */
  claim(id: number): boolean {
    const at = this.now();
    return (
      this.db
        .update(notificationLogs)
        .set({ status: 'sending', attempts: sql`${notificationLogs.attempts} + 1`, claimedAt: at, updatedAt: at })
        .where(and(eq(notificationLogs.id, id), eq(notificationLogs.status, 'queued')))
        .run().changes === 1
    );
  }

  /** Leaves a queued row for later (rate limit) without counting an attempt. */
  defer(id: number, until: string): void {
    this.db
      .update(notificationLogs)
      .set({ nextAttemptAt: until, updatedAt: this.now() })
      .where(and(eq(notificationLogs.id, id), eq(notificationLogs.status, 'queued')))
      .run();
  }

  markSent(id: number, providerId: string | null): void {
    const at = this.now();
    this.db
      .update(notificationLogs)
      .set({ status: 'sent', providerId, error: null, sentAt: at, updatedAt: at, nextAttemptAt: null })
      .where(and(eq(notificationLogs.id, id), eq(notificationLogs.status, 'sending')))
      .run();
  }

  /** sending -> queued for another attempt at `nextAt`. */
  markRetry(id: number, error: string, nextAt: string): void {
    this.db
      .update(notificationLogs)
      .set({ status: 'queued', error, nextAttemptAt: nextAt, updatedAt: this.now() })
      .where(and(eq(notificationLogs.id, id), eq(notificationLogs.status, 'sending')))
      .run();
  }

  /** A final state from queued or sending: failed, expired or cancelled. */
  finish(id: number, status: 'failed' | 'expired' | 'cancelled', error: string): boolean {
    return (
      this.db
        .update(notificationLogs)
        .set({ status, error, nextAttemptAt: null, updatedAt: this.now() })
        .where(and(eq(notificationLogs.id, id), inArray(notificationLogs.status, OPEN)))
        .run().changes === 1
    );
  }

  /** A queued row folded into a digest. */
  batchInto(id: number, digestId: number): boolean {
    return (
      this.db
        .update(notificationLogs)
        .set({ status: 'batched', batchId: digestId, nextAttemptAt: null, updatedAt: this.now() })
        .where(and(eq(notificationLogs.id, id), eq(notificationLogs.status, 'queued')))
        .run().changes === 1
    );
  }

  /** The queued digest still collecting for (channel, recipient), if any. */
  openDigest(channel: Channel, recipient: string): OutboxRow | undefined {
    return this.db
      .select()
      .from(notificationLogs)
      .where(and(eq(notificationLogs.transition, 'digest'), eq(notificationLogs.status, 'queued'), eq(notificationLogs.channel, channel), eq(notificationLogs.recipient, recipient)))
      .orderBy(asc(notificationLogs.id))
      .get();
  }

  digestMembers(digestId: number): OutboxRow[] {
    return this.db.select().from(notificationLogs).where(eq(notificationLogs.batchId, digestId)).orderBy(asc(notificationLogs.id)).all();
  }

  /** Sets the rendered text of a row being sent (a digest is rendered when it goes out). */
  setContent(id: number, subject: string | null, body: string, severity: Severity): void {
    this.db.update(notificationLogs).set({ subject, body, severity, updatedAt: this.now() }).where(eq(notificationLogs.id, id)).run();
  }

  /** Rows a crashed process left in 'sending'. */
  interrupted(): OutboxRow[] {
    return this.db.select().from(notificationLogs).where(eq(notificationLogs.status, 'sending')).orderBy(asc(notificationLogs.id)).all();
  }

  /** sending -> queued after a crash (the attempt stays counted). */
  requeue(id: number, note: string): void {
    this.db
      .update(notificationLogs)
      .set({ status: 'queued', error: note, nextAttemptAt: null, updatedAt: this.now() })
      .where(and(eq(notificationLogs.id, id), eq(notificationLogs.status, 'sending')))
      .run();
  }

  /** CRITICAL emails to a contact, still not accepted, created at or before `cutoff`, that have no fallback yet. */
  overdueCriticalEmails(cutoff: string): OutboxRow[] {
    const fallback = sql`not exists (select 1 from notification_logs f where f.fallback_of = ${notificationLogs.id})`;
    return this.db
      .select()
      .from(notificationLogs)
      .where(
        and(
          eq(notificationLogs.channel, 'email'),
          eq(notificationLogs.severity, 'CRITICAL'),
          inArray(notificationLogs.status, OPEN),
          lte(notificationLogs.createdAt, cutoff),
          sql`${notificationLogs.contactId} is not null`,
          fallback,
        ),
      )
      .all();
  }

  /** Queued rows of an alert, except the given transitions, cancelled (the alert moved on). */
  cancelQueuedForAlert(alertId: number, keepTransitions: string[], reason: string, onlyTransitions?: string[]): number {
    return this.db
      .update(notificationLogs)
      .set({ status: 'cancelled', error: reason, nextAttemptAt: null, updatedAt: this.now() })
      .where(
        and(
          eq(notificationLogs.alertId, alertId),
          eq(notificationLogs.status, 'queued'),
          keepTransitions.length ? notInArray(notificationLogs.transition, keepTransitions) : undefined,
          onlyTransitions ? inArray(notificationLogs.transition, onlyTransitions) : undefined,
        ),
      )
      .run().changes;
  }

  /** Who has been told about an alert (sent, or on its way): distinct (channel, recipient). */
  toldAbout(alertId: number): { channel: Channel; recipient: string; contactId: number | null }[] {
    return this.db
      .selectDistinct({ channel: notificationLogs.channel, recipient: notificationLogs.recipient, contactId: notificationLogs.contactId })
      .from(notificationLogs)
      .where(and(eq(notificationLogs.alertId, alertId), inArray(notificationLogs.status, ['sent', 'sending', 'batched']), ne(notificationLogs.transition, 'resolved')))
      .orderBy(asc(notificationLogs.channel), asc(notificationLogs.recipient))
      .all() as { channel: Channel; recipient: string; contactId: number | null }[];
  }

  forAlert(alertId: number): OutboxRow[] {
    return this.db.select().from(notificationLogs).where(eq(notificationLogs.alertId, alertId)).orderBy(asc(notificationLogs.id)).all();
  }

  countByStatus(): Record<string, number> {
    const rows = this.db.select({ status: notificationLogs.status, n: sql<number>`count(*)` }).from(notificationLogs).groupBy(notificationLogs.status).all();
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  /** Newest first; pass next_cursor back as cursor for the next page. */
  list(q: NotificationLogFilter): { items: NotificationLogEntry[]; next_cursor: string | null } {
    const rows = this.db
      .select()
      .from(notificationLogs)
      .where(
        and(
          q.alert_id !== undefined ? eq(notificationLogs.alertId, q.alert_id) : undefined,
          q.channel ? eq(notificationLogs.channel, q.channel) : undefined,
          q.status ? eq(notificationLogs.status, q.status) : undefined,
          q.severity ? eq(notificationLogs.severity, q.severity) : undefined,
          q.recipient ? eq(notificationLogs.recipient, q.recipient) : undefined,
          q.since ? gte(notificationLogs.createdAt, q.since) : undefined,
          q.until ? lt(notificationLogs.createdAt, q.until) : undefined,
          q.cursor ? lt(notificationLogs.id, Number(q.cursor)) : undefined,
        ),
      )
      .orderBy(desc(notificationLogs.id))
      .limit(q.limit + 1)
      .all();
    const more = rows.length > q.limit;
    const items = (more ? rows.slice(0, q.limit) : rows).map(toLogEntry);
    return { items, next_cursor: more ? String(items[items.length - 1].id) : null };
  }
}
