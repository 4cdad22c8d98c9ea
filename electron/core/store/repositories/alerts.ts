// Alerts, their durable evaluation state (conditions), acknowledgements and silences.
// Alert state changes and silence changes write an audit row in the caller's transaction;
// throttled value updates (current / worst value, count) are not state changes and are not audited.
import { and, desc, eq, gte, inArray, lt, ne, sql } from 'drizzle-orm';
import type { AlertStats, Silence } from '../../../../shared/alerts';
import { ALERT_STATUSES, type Alert, type AlertStatus, type ComparisonType, SEVERITIES, type Severity } from '../../../../shared/domain';
import type { Db } from '../db';
import { alertAcknowledgments, alertConditions, alertSilences, riskAlerts } from '../schema';
import type { AuditRepository } from './audit';

type AlertRow = typeof riskAlerts.$inferSelect;
type SilenceRow = typeof alertSilences.$inferSelect;

/** Why an alert changed and who did it, for the audit row. */
export interface AlertChange {
  actor: string;
  /** The transition: triggered, upgraded, acknowledged, reopened, flapping, resolved, ... */
  action: string;
  reason?: string;
  notify?: boolean;
}

export type ConditionState = 'pending' | 'firing' | 'holding' | 'recovering';

/** The evaluation state of one (portfolio, threshold) that is not simply "fine". */
export interface ConditionRow {
  portfolioId: string;
  thresholdId: number;
  state: ConditionState;
  /** ISO time the state began. */
  since: string;
  lastValue: number | null;
}

export interface AlertListFilter {
  status?: AlertStatus;
  severity?: Severity;
  portfolioId?: string;
  /** Triggered at or after (ISO). */
  since?: string;
  /** Only alerts with a smaller id (cursor pagination, newest first). */
  beforeId?: number;
  limit: number;
}

export interface AcknowledgmentRow {
  id: number;
  alertId: number;
  user: string;
  comment: string;
  at: string;
}

/** The silence fields a caller sets (validated by the engine). */
export interface SilenceValues {
  portfolio_id: string | null;
  metric_type: string | null;
  severity: Severity | null;
  starts_at: string;
  ends_at: string;
  reason: string;
}

function toAlert(r: AlertRow): Alert {
  return {
    id: r.id,
    portfolio_id: r.portfolioId,
    threshold_id: r.thresholdId,
    metric_type: r.metricType,
    severity: r.severity as Severity,
    status: r.status as AlertStatus,
    comparison_type: r.comparisonType as ComparisonType,
    current_value: r.currentValue,
    threshold_value: r.thresholdValue,
    worst_value: r.worstValue,
    breach_count: r.breachCount,
    description: r.description,
    flapping: r.flapping,
    previous_alert_id: r.previousAlertId,
    triggered_at: r.triggeredAt,
    updated_at: r.updatedAt,
    acknowledged_at: r.acknowledgedAt,
    acknowledged_by: r.acknowledgedBy,
    resolved_at: r.resolvedAt,
    resolved_by: r.resolvedBy,
    resolution: r.resolution,
  };
}

function toColumns(a: Omit<Alert, 'id'>) {
  return {
    portfolioId: a.portfolio_id,
    thresholdId: a.threshold_id,
    metricType: a.metric_type,
    severity: a.severity,
    status: a.status,
    comparisonType: a.comparison_type,
    currentValue: a.current_value,
    thresholdValue: a.threshold_value,
    worstValue: a.worst_value,
    breachCount: a.breach_count,
    description: a.description,
    flapping: a.flapping,
    previousAlertId: a.previous_alert_id,
    triggeredAt: a.triggered_at,
    updatedAt: a.updated_at,
    acknowledgedAt: a.acknowledged_at,
    acknowledgedBy: a.acknowledged_by,
    resolvedAt: a.resolved_at,
    resolvedBy: a.resolved_by,
    resolution: a.resolution,
  };
}

function toSilence(r: SilenceRow): Silence {
  return {
    id: r.id,
    portfolio_id: r.portfolioId,
    metric_type: r.metricType as Silence['metric_type'],
    severity: r.severity as Severity | null,
    starts_at: r.startsAt,
    ends_at: r.endsAt,
    reason: r.reason,
    author: r.author,
    created_at: r.createdAt,
  };
}

const round3 = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 1000);

export class AlertRepository {
  private readonly updateValuesStatement;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditRepository,
    private readonly now: () => string,
  ) {
    this.updateValuesStatement = db
      .update(riskAlerts)
      .set({
        currentValue: sql`${sql.placeholder('current')}`,
        worstValue: sql`${sql.placeholder('worst')}`,
        breachCount: sql`${sql.placeholder('count')}`,
        updatedAt: sql`${sql.placeholder('updatedAt')}`,
      })
      .where(eq(riskAlerts.id, sql.placeholder('id')))
      .prepare();
  }

  // ---- alerts ----

  /** Records a new alert (audited as `change.action`, before = null). */
  insert(values: Omit<Alert, 'id'>, change: AlertChange): Alert {
    const row = this.db.insert(riskAlerts).values(toColumns(values)).returning().get();
    const created = toAlert(row);
    this.recordChange(null, created, change);
    return created;
  }

  /** Writes an alert's full new state (audited with before and after). */
  update(before: Alert, after: Alert, change: AlertChange): void {
    const { id: _id, ...rest } = after;
    this.db.update(riskAlerts).set(toColumns(rest)).where(eq(riskAlerts.id, after.id)).run();
    this.recordChange(before, after, change);
  }

  /** A continuing breach's throttled figures: not a state change, not audited. */
  updateValues(id: number, values: Pick<Alert, 'current_value' | 'worst_value' | 'breach_count' | 'updated_at'>): void {
    this.updateValuesStatement.run({ id, current: values.current_value, worst: values.worst_value, count: values.breach_count, updatedAt: values.updated_at });
  }

  private recordChange(before: Alert | null, after: Alert, change: AlertChange): void {
    this.audit.record({
      actor: change.actor,
      entity: 'alert',
      entityId: after.id,
      action: change.action,
      before,
      after: { ...after, reason: change.reason ?? null, notify: change.notify ?? null },
    });
  }

  get(id: number): Alert | undefined {
    const row = this.db.select().from(riskAlerts).where(eq(riskAlerts.id, id)).get();
    return row && toAlert(row);
  }

  /** Every alert not RESOLVED (optionally of one portfolio). */
  listOpen(portfolioId?: string): Alert[] {
    return this.db
      .select()
      .from(riskAlerts)
      .where(and(ne(riskAlerts.status, 'RESOLVED'), portfolioId === undefined ? undefined : eq(riskAlerts.portfolioId, portfolioId)))
      .orderBy(desc(riskAlerts.id))
      .all()
      .map(toAlert);
  }

  /** Newest first (by id, which is trigger order). */
  list(f: AlertListFilter): Alert[] {
    return this.db
      .select()
      .from(riskAlerts)
      .where(
        and(
          f.status ? eq(riskAlerts.status, f.status) : undefined,
          f.severity ? eq(riskAlerts.severity, f.severity) : undefined,
          f.portfolioId ? eq(riskAlerts.portfolioId, f.portfolioId) : undefined,
          f.since ? gte(riskAlerts.triggeredAt, f.since) : undefined,
          f.beforeId !== undefined ? lt(riskAlerts.id, f.beforeId) : undefined,
        ),
      )
      .orderBy(desc(riskAlerts.id))
      .limit(f.limit)
      .all()
      .map(toAlert);
  }

  /** Alerts of one portfolio, metric and set of comparison types (an alert group), newest first. */
  listGroup(portfolioId: string, metricType: string, comparisons: ComparisonType[], since?: string, limit = 1000): Pick<Alert, 'id' | 'triggered_at' | 'status'>[] {
    return this.db
      .select({ id: riskAlerts.id, triggered_at: riskAlerts.triggeredAt, status: riskAlerts.status })
      .from(riskAlerts)
      .where(
        and(
          eq(riskAlerts.portfolioId, portfolioId),
          eq(riskAlerts.metricType, metricType),
          inArray(riskAlerts.comparisonType, comparisons),
          since !== undefined ? gte(riskAlerts.triggeredAt, since) : undefined,
        ),
      )
      .orderBy(desc(riskAlerts.id))
      .limit(limit)
      .all() as Pick<Alert, 'id' | 'triggered_at' | 'status'>[];
  }

  /** Counts by severity and status, flapping, mean time to first acknowledgement and to resolution (seconds). */
  stats(since?: string): AlertStats {
    const from = since ?? '';
    const groups = this.db
      .select({ severity: riskAlerts.severity, status: riskAlerts.status, n: sql<number>`count(*)`, flapping: sql<number>`sum(${riskAlerts.flapping})` })
      .from(riskAlerts)
      .where(gte(riskAlerts.triggeredAt, from))
      .groupBy(riskAlerts.severity, riskAlerts.status)
      .all();
    const by_severity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as AlertStats['by_severity'];
    const by_status = Object.fromEntries(ALERT_STATUSES.map((s) => [s, 0])) as AlertStats['by_status'];
    let total = 0;
    let flapping = 0;
    for (const g of groups) {
      by_severity[g.severity as Severity] += g.n;
      by_status[g.status as AlertStatus] += g.n;
      total += g.n;
      flapping += g.flapping ?? 0;
    }
    const mtta = this.db.get<{ v: number | null }>(sql`
      select avg((julianday(f.at) - julianday(a.triggered_at)) * 86400.0) as v
      from ${riskAlerts} a
      join (select alert_id, min(at) as at from ${alertAcknowledgments} group by alert_id) f on f.alert_id = a.id
      where a.triggered_at >= ${from}`);
    const mttr = this.db.get<{ v: number | null }>(sql`
      select avg((julianday(resolved_at) - julianday(triggered_at)) * 86400.0) as v
      from ${riskAlerts} where status = 'RESOLVED' and resolved_at is not null and triggered_at >= ${from}`);
    return {
      since: since ?? null,
      total,
      by_severity,
      by_status,
      flapping,
      mean_time_to_acknowledge_seconds: round3(mtta.v),
      mean_time_to_resolve_seconds: round3(mttr.v),
    };
  }

  // ---- acknowledgements ----

  addAcknowledgment(alertId: number, user: string, comment: string, at: string): void {
    this.db.insert(alertAcknowledgments).values({ alertId, user, comment, at }).run();
  }

  listAcknowledgments(alertId: number): AcknowledgmentRow[] {
    return this.db.select().from(alertAcknowledgments).where(eq(alertAcknowledgments.alertId, alertId)).orderBy(alertAcknowledgments.id).all();
  }

  // ---- conditions (pending, firing, holding, recovering) ----

  listConditions(portfolioId?: string): ConditionRow[] {
    return this.db
      .select()
      .from(alertConditions)
      .where(portfolioId === undefined ? undefined : eq(alertConditions.portfolioId, portfolioId))
      .all()
      .map((r) => ({ portfolioId: r.portfolioId, thresholdId: r.thresholdId, state: r.state as ConditionState, since: r.since, lastValue: r.lastValue }));
  }

  saveCondition(c: ConditionRow): void {
    const values = { state: c.state, since: c.since, lastValue: c.lastValue, updatedAt: this.now() };
    this.db
      .insert(alertConditions)
      .values({ portfolioId: c.portfolioId, thresholdId: c.thresholdId, ...values })
      .onConflictDoUpdate({ target: [alertConditions.portfolioId, alertConditions.thresholdId], set: values })
      .run();
  }

  deleteCondition(portfolioId: string, thresholdId: number): void {
    this.db.delete(alertConditions).where(and(eq(alertConditions.portfolioId, portfolioId), eq(alertConditions.thresholdId, thresholdId))).run();
  }

  // ---- silences ----

  listSilences(): Silence[] {
    return this.db.select().from(alertSilences).orderBy(desc(alertSilences.id)).all().map(toSilence);
  }

  getSilence(id: number): Silence | undefined {
    const row = this.db.select().from(alertSilences).where(eq(alertSilences.id, id)).get();
    return row && toSilence(row);
  }

  createSilence(s: SilenceValues, actor: string): Silence {
    return this.db.transaction(() => {
      const row = this.db
        .insert(alertSilences)
        .values({
          portfolioId: s.portfolio_id,
          metricType: s.metric_type,
          severity: s.severity,
          startsAt: s.starts_at,
          endsAt: s.ends_at,
          reason: s.reason,
          author: actor,
          createdAt: this.now(),
        })
        .returning()
        .get();
      const created = toSilence(row);
      this.audit.record({ actor, entity: 'silence', entityId: created.id, action: 'create', before: null, after: created });
      return created;
    });
  }

  updateSilence(id: number, s: SilenceValues, actor: string): Silence | undefined {
    return this.db.transaction(() => {
      const before = this.getSilence(id);
      if (!before) return undefined;
      const row = this.db
        .update(alertSilences)
        .set({ portfolioId: s.portfolio_id, metricType: s.metric_type, severity: s.severity, startsAt: s.starts_at, endsAt: s.ends_at, reason: s.reason })
        .where(eq(alertSilences.id, id))
        .returning()
        .get();
      const after = toSilence(row);
      this.audit.record({ actor, entity: 'silence', entityId: id, action: 'update', before, after });
      return after;
    });
  }

  deleteSilence(id: number, actor: string): boolean {
    return this.db.transaction(() => {
      const before = this.getSilence(id);
      if (!before) return false;
      this.db.delete(alertSilences).where(eq(alertSilences.id, id)).run();
      this.audit.record({ actor, entity: 'silence', entityId: id, action: 'delete', before, after: null });
      return true;
    });
  }
}
