// Escalation: rules with their steps, the policy copied onto an alert, and the timers (rows with
// due times, so they survive a restart and fire once: a timer moves scheduled -> fired or
// scheduled -> cancelled by a conditional update, never twice).
import { and, asc, eq, lte, sql } from 'drizzle-orm';
import type { Severity } from '../../../../shared/domain';
import type {
  EscalationPolicy,
  EscalationRecipient,
  EscalationRule,
  EscalationRuleSettings,
  EscalationStep,
  StepChannel,
} from '../../../../shared/notify';
import type { Db } from '../db';
import { escalationEvents, escalationRules, escalationSteps, riskAlerts } from '../schema';
import type { AuditRepository } from './audit';

type RuleRow = typeof escalationRules.$inferSelect;
type StepRow = typeof escalationSteps.$inferSelect;
export type EscalationTimer = typeof escalationEvents.$inferSelect;
export type TimerStatus = 'scheduled' | 'fired' | 'cancelled';

function toStep(r: StepRow): EscalationStep {
  return {
    id: r.id,
    step_order: r.stepOrder,
    level: r.level,
    delay_minutes: r.delayMinutes,
    // Written by this repository from validated input: read back without re-validating.
    recipients: JSON.parse(r.recipients) as EscalationRecipient[],
    channels: r.channel.split(',') as StepChannel[],
  };
}

export interface NewTimer {
  alertId: number;
  round: number;
  stepIndex: number;
  repeatIndex: number;
  level: string;
  dueAt: string;
}

/** Escalation rules (audited), the alert's copied policy, and escalation timers. */
export class EscalationRepository {
  /** Rules are read on every trigger and change rarely (only through this repository): kept in memory. */
  private rules: EscalationRule[] | null = null;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditRepository,
    private readonly now: () => string,
  ) {}

  // ------------------------------------------------------------ rules

  listRules(): EscalationRule[] {
    this.rules ??= this.loadRules();
    return structuredClone(this.rules);
  }

  private loadRules(): EscalationRule[] {
    const rules = this.db.select().from(escalationRules).orderBy(asc(escalationRules.id)).all();
    const steps = this.db.select().from(escalationSteps).orderBy(asc(escalationSteps.ruleId), asc(escalationSteps.stepOrder)).all();
    return rules.map((r) => this.toRule(r, steps.filter((s) => s.ruleId === r.id)));
  }

  getRule(id: number): EscalationRule | undefined {
    const r = this.db.select().from(escalationRules).where(eq(escalationRules.id, id)).get();
    if (!r) return undefined;
    const steps = this.db.select().from(escalationSteps).where(eq(escalationSteps.ruleId, id)).orderBy(asc(escalationSteps.stepOrder)).all();
    return this.toRule(r, steps);
  }

  /** The enabled rule for a severity: the portfolio's own rule first, then the catch-all (newest wins a tie). */
  matchRule(severity: Severity, portfolioId: string): EscalationRule | undefined {
    this.rules ??= this.loadRules();
    const candidates = this.rules.filter((r) => r.enabled && r.severity === severity).reverse();
    const rule = candidates.find((r) => r.portfolio_id === portfolioId) ?? candidates.find((r) => r.portfolio_id === null);
    return rule && structuredClone(rule);
  }

  /** Input must already be validated (EscalationRuleInput.parse). */
  createRule(input: EscalationRuleSettings, actor: string): EscalationRule {
    this.rules = null;
    return this.db.transaction(() => {
      const at = this.now();
      const row = this.db
        .insert(escalationRules)
        .values({ ...this.ruleColumns(input), createdAt: at, updatedAt: at })
        .returning()
        .get();
      this.writeSteps(row.id, input);
      const created = this.getRule(row.id)!;
      this.audit.record({ actor, entity: 'escalation_rule', entityId: created.id, action: 'create', before: null, after: created });
      return created;
    });
  }

  updateRule(id: number, input: EscalationRuleSettings, actor: string): EscalationRule | undefined {
    this.rules = null;
    return this.db.transaction(() => {
      const before = this.getRule(id);
      if (!before) return undefined;
      this.db
        .update(escalationRules)
        .set({ ...this.ruleColumns(input), updatedAt: this.now() })
        .where(eq(escalationRules.id, id))
        .run();
      this.db.delete(escalationSteps).where(eq(escalationSteps.ruleId, id)).run();
      this.writeSteps(id, input);
      const after = this.getRule(id)!;
      this.audit.record({ actor, entity: 'escalation_rule', entityId: id, action: 'update', before, after });
      return after;
    });
  }

  /** Deletes a rule; alerts that already copied it keep their policy. */
  deleteRule(id: number, actor: string): boolean {
    this.rules = null;
    return this.db.transaction(() => {
      const before = this.getRule(id);
      if (!before) return false;
      this.db.delete(escalationRules).where(eq(escalationRules.id, id)).run();
      this.audit.record({ actor, entity: 'escalation_rule', entityId: id, action: 'delete', before, after: null });
      return true;
    });
  }

  private ruleColumns(input: EscalationRuleSettings) {
    return {
      name: input.name,
      severity: input.severity,
      portfolioId: input.portfolio_id,
      enabled: input.enabled,
      repeatCount: input.repeat_count,
      repeatIntervalMinutes: input.repeat_interval_minutes,
    };
  }

  private writeSteps(ruleId: number, input: EscalationRuleSettings): void {
    input.steps.forEach((s, i) => {
      this.db
        .insert(escalationSteps)
        .values({ ruleId, stepOrder: i, level: s.level, delayMinutes: s.delay_minutes, recipients: JSON.stringify(s.recipients), channel: s.channels.join(',') })
        .run();
    });
  }

  private toRule(r: RuleRow, steps: StepRow[]): EscalationRule {
    return {
      id: r.id,
      name: r.name,
      severity: r.severity as Severity,
      portfolio_id: r.portfolioId,
      enabled: r.enabled,
      repeat_count: r.repeatCount,
      repeat_interval_minutes: r.repeatIntervalMinutes,
      steps: steps.map(toStep),
      created_at: r.createdAt,
      updated_at: r.updatedAt,
    };
  }

  // ------------------------------------------------------------ the alert's copy of the policy

  /** The escalation policy the alert copied when it triggered (null if none). */
  policy(alertId: number): EscalationPolicy | null {
    const row = this.db.select({ policy: riskAlerts.escalationPolicy }).from(riskAlerts).where(eq(riskAlerts.id, alertId)).get();
    // Written by setPolicy from a validated rule: read back without re-validating.
    return row?.policy ? (JSON.parse(row.policy) as EscalationPolicy) : null;
  }

  setPolicy(alertId: number, policy: EscalationPolicy): void {
    this.db.update(riskAlerts).set({ escalationPolicy: JSON.stringify(policy) }).where(eq(riskAlerts.id, alertId)).run();
  }

  // ------------------------------------------------------------ timers

  /** Adds a timer unless that (alert, round, step, repeat) already has one. True when added. */
  schedule(t: NewTimer, status: TimerStatus = 'scheduled', firedAt: string | null = null, detail: string | null = null): boolean {
    const r = this.db
      .insert(escalationEvents)
      .values({ ...t, status, firedAt, detail, createdAt: this.now() })
      .onConflictDoNothing()
      .run();
    return r.changes === 1;
  }

  /** Scheduled timers due at or before `at`, oldest first. */
  due(at: string, limit = 100): EscalationTimer[] {
    return this.db
      .select()
      .from(escalationEvents)
      .where(and(eq(escalationEvents.status, 'scheduled'), lte(escalationEvents.dueAt, at)))
      .orderBy(asc(escalationEvents.dueAt), asc(escalationEvents.id))
      .limit(limit)
      .all();
  }

  /** scheduled -> fired (or cancelled). False when another pass got there first: the caller must do nothing. */
  settle(id: number, status: 'fired' | 'cancelled', detail: string | null): boolean {
    const r = this.db
      .update(escalationEvents)
      .set({ status, firedAt: status === 'fired' ? this.now() : null, detail })
      .where(and(eq(escalationEvents.id, id), eq(escalationEvents.status, 'scheduled')))
      .run();
    return r.changes === 1;
  }

  /** Cancels every scheduled timer of an alert; returns how many. */
  cancelPending(alertId: number, detail: string): number {
    return this.db
      .update(escalationEvents)
      .set({ status: 'cancelled', detail })
      .where(and(eq(escalationEvents.alertId, alertId), eq(escalationEvents.status, 'scheduled')))
      .run().changes;
  }

  timersFor(alertId: number): EscalationTimer[] {
    return this.db.select().from(escalationEvents).where(eq(escalationEvents.alertId, alertId)).orderBy(asc(escalationEvents.dueAt), asc(escalationEvents.id)).all();
  }

  /** How many timers are still scheduled (all alerts). */
  countScheduled(): number {
    return this.db.select({ n: sql<number>`count(*)` }).from(escalationEvents).where(eq(escalationEvents.status, 'scheduled')).get()!.n;
  }
}
