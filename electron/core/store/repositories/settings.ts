// Settings saved from the dashboard (key -> JSON). Never a secret: those go to the SecretStore.
import { eq } from 'drizzle-orm';
import type { Db } from '../db';
import { settings } from '../schema';
import type { AuditRepository } from './audit';

export class SettingsRepository {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditRepository,
    private readonly now: () => string,
  ) {}

  get<T = unknown>(key: string): T | undefined {
    const row = this.db.select().from(settings).where(eq(settings.key, key)).get();
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  /** Saves a value and audits the change (callers pass secret-free values only). */
  set(key: string, value: unknown, actor: string): void {
    this.db.transaction(() => {
      const before = this.get(key) ?? null;
      const at = this.now();
      const text = JSON.stringify(value);
      this.db
        .insert(settings)
        .values({ key, value: text, updatedAt: at })
        .onConflictDoUpdate({ target: settings.key, set: { value: text, updatedAt: at } })
        .run();
      this.audit.record({ actor, entity: 'setting', entityId: key, action: 'update', before, after: value });
    });
  }
}
