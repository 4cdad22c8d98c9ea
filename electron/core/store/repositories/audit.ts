import { and, desc, eq, lt } from 'drizzle-orm';
import type { AuditEntry } from '../../../../shared/domain';
import type { Db } from '../db';
import { auditLog } from '../schema';

export interface AuditRecord {
  actor: string;
  entity: string;
  entityId: string | number;
  action: string;
  before?: unknown;
  after?: unknown;
}

/** The audit trail: who changed what, when, from what to what. Append-only. */
export class AuditRepository {
  constructor(
    private readonly db: Db,
    private readonly now: () => string,
  ) {}

  record(entry: AuditRecord): void {
    this.db
      .insert(auditLog)
      .values({
        at: this.now(),
        actor: entry.actor,
        entity: entry.entity,
        entityId: String(entry.entityId),
        action: entry.action,
        before: entry.before === undefined ? null : JSON.stringify(entry.before),
        after: entry.after === undefined ? null : JSON.stringify(entry.after),
      })
      .run();
  }

  list(filter: { entity?: string; entityId?: string; beforeId?: number; limit?: number } = {}): AuditEntry[] {
    const conditions = [
      filter.entity ? eq(auditLog.entity, filter.entity) : undefined,
      filter.entityId ? eq(auditLog.entityId, filter.entityId) : undefined,
      filter.beforeId ? lt(auditLog.id, filter.beforeId) : undefined,
    ];
    return this.db
      .select()
      .from(auditLog)
      .where(and(...conditions))
      .orderBy(desc(auditLog.id))
      .limit(filter.limit ?? 100)
      .all()
      .map((r) => ({
        id: r.id,
        at: r.at,
        actor: r.actor,
        entity: r.entity,
        entity_id: r.entityId,
        action: r.action,
        before: r.before === null ? null : JSON.parse(r.before),
        after: r.after === null ? null : JSON.parse(r.after),
      }));
  }
}
