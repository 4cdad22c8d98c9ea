// Notification templates (Liquid sources), one row per kind.
import { asc, eq } from 'drizzle-orm';
import type { NotificationTemplate, TemplateInput, TemplateKind } from '../../../../shared/notify';
import type { Db } from '../db';
import { notificationTemplates } from '../schema';
import type { AuditRepository } from './audit';

type Row = typeof notificationTemplates.$inferSelect;

function toTemplate(r: Row): NotificationTemplate {
  return { kind: r.kind as TemplateKind, subject: r.subject, body: r.body, sms: r.sms, updated_at: r.updatedAt };
}

/** Templates. Every change writes an audit row in the same transaction. */
export class TemplateRepository {
  /** Read for every notification, changed only through save(): kept in memory. */
  private readonly cache = new Map<TemplateKind, NotificationTemplate | undefined>();

  constructor(
    private readonly db: Db,
    private readonly audit: AuditRepository,
    private readonly now: () => string,
  ) {}

  list(): NotificationTemplate[] {
    return this.db.select().from(notificationTemplates).orderBy(asc(notificationTemplates.id)).all().map(toTemplate);
  }

  get(kind: TemplateKind): NotificationTemplate | undefined {
    if (!this.cache.has(kind)) {
      const row = this.db.select().from(notificationTemplates).where(eq(notificationTemplates.kind, kind)).get();
      this.cache.set(kind, row && toTemplate(row));
    }
    const t = this.cache.get(kind);
    return t && { ...t };
  }

  /** Input must already be validated and compiled (the notifier rejects broken Liquid before this). */
  save(kind: TemplateKind, input: TemplateInput, actor: string): NotificationTemplate {
    this.cache.delete(kind);
    return this.db.transaction(() => {
      const before = this.get(kind) ?? null;
      const at = this.now();
      const values = { subject: input.subject, body: input.body, sms: input.sms, updatedAt: at };
      const row = this.db
        .insert(notificationTemplates)
        .values({ kind, ...values })
        .onConflictDoUpdate({ target: notificationTemplates.kind, set: values })
        .returning()
        .get();
      const after = toTemplate(row);
      this.cache.delete(kind); // a rolled-back save must not leave its text cached: re-read next time
      this.audit.record({ actor, entity: 'template', entityId: kind, action: before ? 'update' : 'create', before, after });
      return after;
    });
  }

  /** Inserts the kinds that are missing (a new database); existing, possibly edited, templates are kept. */
  ensureDefaults(defaults: Record<TemplateKind, TemplateInput>, actor = 'system'): TemplateKind[] {
    return this.db.transaction(() => {
      const added: TemplateKind[] = [];
      for (const [kind, t] of Object.entries(defaults) as [TemplateKind, TemplateInput][]) {
        if (this.get(kind)) continue;
        this.save(kind, t, actor);
        added.push(kind);
      }
      return added;
    });
  }
}
