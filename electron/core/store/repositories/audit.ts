import { and, desc, eq, inArray, lt } from 'drizzle-orm';
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

/** An audit row as recorded, once its transaction has committed (entityId keeps the type it was given). */
export interface CommittedAuditRecord extends AuditRecord {
  id: number;
  at: string;
}

interface Watcher {
  entities: ReadonlySet<string>;
  listener: (records: CommittedAuditRecord[]) => void;
}

/** The audit trail: who changed what, when, from what to what. Append-only. */
export class AuditRepository {
  private readonly watchers = new Set<Watcher>();
  /** Watched rows recorded since the last flush, their transactions' outcome not yet known. */
  private pending: CommittedAuditRecord[] = [];
  private flushQueued = false;

  constructor(
    private readonly db: Db,
    private readonly now: () => string,
  ) {}

  record(entry: AuditRecord): void {
    const at = this.now();
    const { id } = this.db
      .insert(auditLog)
      .values({
        at,
        actor: entry.actor,
        entity: entry.entity,
        entityId: String(entry.entityId),
        action: entry.action,
        before: entry.before === undefined ? null : JSON.stringify(entry.before),
        after: entry.after === undefined ? null : JSON.stringify(entry.after),
      })
      .returning({ id: auditLog.id })
      .get();
    if (![...this.watchers].some((w) => w.entities.has(entry.entity))) return;
    this.pending.push({ ...entry, id, at });
    if (!this.flushQueued) {
      this.flushQueued = true;
      // Every change writes its audit row inside its own synchronous transaction, so by the next
      // microtask that transaction has committed or rolled back: flush() tells which.
      queueMicrotask(() => this.flush());
    }
  }

  /**
   * Calls `listener` with the rows of these entities once their transaction has committed (a
   * rolled-back change is never reported), in batches of what was recorded together. Every change
   * to the desk's configuration writes an audit row, so this is where such changes can be heard
   * without any writer having to remember to announce them. Returns the unsubscribe.
   */
  onCommitted(entities: readonly string[], listener: (records: CommittedAuditRecord[]) => void): () => void {
    const watcher: Watcher = { entities: new Set(entities), listener };
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  private flush(): void {
    this.flushQueued = false;
    const client = this.db.$client;
    if (!client.open) return void (this.pending = []);
    if (client.inTransaction) {
      // A transaction someone holds open by hand (not the repositories' way): ask again later.
      this.flushQueued = true;
      return void setImmediate(() => this.flush());
    }
    const pending = this.pending;
    this.pending = [];
    if (pending.length === 0) return;
    // A rolled-back row is gone, and its id may have been taken by a later row: match the content too.
    const stored = new Map(
      this.db
        .select({ id: auditLog.id, at: auditLog.at, actor: auditLog.actor, entity: auditLog.entity, entityId: auditLog.entityId, action: auditLog.action })
        .from(auditLog)
        .where(inArray(auditLog.id, pending.map((r) => r.id)))
        .all()
        .map((r) => [r.id, r]),
    );
    const committed = pending.filter((r) => {
      const s = stored.get(r.id);
      return s !== undefined && s.at === r.at && s.actor === r.actor && s.entity === r.entity && s.entityId === String(r.entityId) && s.action === r.action;
    });
    if (committed.length === 0) return;
    for (const w of this.watchers) {
      const mine = committed.filter((r) => w.entities.has(r.entity));
      if (mine.length) w.listener(mine);
    }
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
