// Contacts: the people (and channels) notifications and escalation steps address.
import { and, asc, eq } from 'drizzle-orm';
import type { Contact } from '../../../../shared/domain';
import type { ContactSettings } from '../../../../shared/notify';
import type { Db } from '../db';
import { contacts } from '../schema';
import type { AuditRepository } from './audit';

type Row = typeof contacts.$inferSelect;

function toContact(r: Row): Contact {
  return { id: r.id, name: r.name, role: r.role, email: r.email, phone: r.phone, webhook_url: r.webhookUrl, enabled: r.enabled };
}

function toColumns(c: ContactSettings) {
  return { name: c.name, role: c.role, email: c.email, phone: c.phone, webhookUrl: c.webhook_url, enabled: c.enabled };
}

/** Contacts. Every change writes an audit row in the same transaction. */
export class ContactRepository {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditRepository,
    private readonly now: () => string,
  ) {}

  list(): Contact[] {
    return this.db.select().from(contacts).orderBy(asc(contacts.id)).all().map(toContact);
  }

  get(id: number): Contact | undefined {
    const row = this.db.select().from(contacts).where(eq(contacts.id, id)).get();
    return row && toContact(row);
  }

  /** The enabled contacts holding a role, in id order. */
  withRole(role: string): Contact[] {
    return this.db
      .select()
      .from(contacts)
      .where(and(eq(contacts.role, role), eq(contacts.enabled, true)))
      .orderBy(asc(contacts.id))
      .all()
      .map(toContact);
  }

  /** Input must already be validated (ContactInput.parse). */
  create(input: ContactSettings, actor: string): Contact {
    return this.db.transaction(() => {
      const at = this.now();
      const created = toContact(this.db.insert(contacts).values({ ...toColumns(input), createdAt: at, updatedAt: at }).returning().get());
      this.audit.record({ actor, entity: 'contact', entityId: created.id, action: 'create', before: null, after: created });
      return created;
    });
  }

  update(id: number, input: ContactSettings, actor: string): Contact | undefined {
    return this.db.transaction(() => {
      const before = this.get(id);
      if (!before) return undefined;
      const after = toContact(
        this.db
          .update(contacts)
          .set({ ...toColumns(input), updatedAt: this.now() })
          .where(eq(contacts.id, id))
          .returning()
          .get(),
      );
      this.audit.record({ actor, entity: 'contact', entityId: id, action: 'update', before, after });
      return after;
    });
  }

  /** Deletes the contact; its past notifications keep the address they went to. */
  delete(id: number, actor: string): boolean {
    return this.db.transaction(() => {
      const before = this.get(id);
      if (!before) return false;
      this.db.delete(contacts).where(eq(contacts.id, id)).run();
      this.audit.record({ actor, entity: 'contact', entityId: id, action: 'delete', before, after: null });
      return true;
    });
  }
}
