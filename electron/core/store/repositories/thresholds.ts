import { asc, eq } from 'drizzle-orm';
import type { Threshold, ThresholdSettings } from '../../../../shared/domain';
import type { Db } from '../db';
import { riskAlertThresholds } from '../schema';
import type { AuditRepository } from './audit';

type Row = typeof riskAlertThresholds.$inferSelect;

function toThreshold(r: Row): Threshold {
  return {
    id: r.id,
    portfolio_id: r.portfolioId,
    metric_type: r.metricType as Threshold['metric_type'],
    threshold_value: r.thresholdValue,
    comparison_type: r.comparisonType as Threshold['comparison_type'],
    severity: r.severity as Threshold['severity'],
    description: r.description,
    enabled: r.enabled,
    pending_seconds: r.pendingSeconds,
    clear_value: r.clearValue,
    recovery_seconds: r.recoverySeconds,
    warn_utilisation_pct: r.warnUtilisationPct,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
  };
}

function toColumns(t: ThresholdSettings) {
  return {
    portfolioId: t.portfolio_id,
    metricType: t.metric_type,
    thresholdValue: t.threshold_value,
    comparisonType: t.comparison_type,
    severity: t.severity,
    description: t.description,
    enabled: t.enabled,
    pendingSeconds: t.pending_seconds,
    clearValue: t.clear_value,
    recoverySeconds: t.recovery_seconds,
    warnUtilisationPct: t.warn_utilisation_pct,
  };
}

/** Alert thresholds. Every change writes an audit row in the same transaction. */
export class ThresholdRepository {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditRepository,
    private readonly now: () => string,
  ) {}

  list(): Threshold[] {
    return this.db.select().from(riskAlertThresholds).orderBy(asc(riskAlertThresholds.id)).all().map(toThreshold);
  }

  get(id: number): Threshold | undefined {
    const row = this.db.select().from(riskAlertThresholds).where(eq(riskAlertThresholds.id, id)).get();
    return row && toThreshold(row);
  }

  /** Input must already be validated (ThresholdInput.parse plus the engine's own checks). */
  create(input: ThresholdSettings, actor: string): Threshold {
    return this.db.transaction(() => {
      const at = this.now();
      const row = this.db
        .insert(riskAlertThresholds)
        .values({ ...toColumns(input), createdAt: at, updatedAt: at })
        .returning()
        .get();
      const created = toThreshold(row);
      this.audit.record({ actor, entity: 'threshold', entityId: created.id, action: 'create', before: null, after: created });
      return created;
    });
  }

  update(id: number, input: ThresholdSettings, actor: string): Threshold | undefined {
    return this.db.transaction(() => {
      const before = this.get(id);
      if (!before) return undefined;
      const row = this.db
        .update(riskAlertThresholds)
        .set({ ...toColumns(input), updatedAt: this.now() })
        .where(eq(riskAlertThresholds.id, id))
        .returning()
        .get();
      const after = toThreshold(row);
      this.audit.record({ actor, entity: 'threshold', entityId: id, action: 'update', before, after });
      return after;
    });
  }

  delete(id: number, actor: string): boolean {
    return this.db.transaction(() => {
      const before = this.get(id);
      if (!before) return false;
      this.db.delete(riskAlertThresholds).where(eq(riskAlertThresholds.id, id)).run();
      this.audit.record({ actor, entity: 'threshold', entityId: id, action: 'delete', before, after: null });
      return true;
    });
  }
}
