// The one repository layer the rest of the engine uses. No SQL outside electron/core/store.
import type { Clock } from '../ports';
import { systemClock } from '../ports';
import { openDatabase, type Db, type OpenedDatabase } from './db';
import { AlertRepository } from './repositories/alerts';
import { AuditRepository } from './repositories/audit';
import { BookRepository } from './repositories/book';
import { ContactRepository } from './repositories/contacts';
import { EscalationRepository } from './repositories/escalation';
import { NotificationRepository } from './repositories/notifications';
import { SettingsRepository } from './repositories/settings';
import { TemplateRepository } from './repositories/templates';
import { SnapshotRepository } from './repositories/snapshots';
import { ThresholdRepository } from './repositories/thresholds';

export class Store {
  readonly book: BookRepository;
  readonly thresholds: ThresholdRepository;
  readonly alerts: AlertRepository;
  readonly audit: AuditRepository;
  readonly notifications: NotificationRepository;
  readonly contacts: ContactRepository;
  readonly escalation: EscalationRepository;
  readonly templates: TemplateRepository;
  readonly settings: SettingsRepository;
  readonly snapshots: SnapshotRepository;

  private constructor(
    private readonly opened: OpenedDatabase,
    readonly clock: Clock,
  ) {
    const now = () => new Date(clock.now()).toISOString();
    this.audit = new AuditRepository(opened.db, now);
    this.book = new BookRepository(opened.db, now);
    this.thresholds = new ThresholdRepository(opened.db, this.audit, now);
    this.alerts = new AlertRepository(opened.db, this.audit, now);
    this.notifications = new NotificationRepository(opened.db, now);
    this.contacts = new ContactRepository(opened.db, this.audit, now);
    this.escalation = new EscalationRepository(opened.db, this.audit, now);
    this.templates = new TemplateRepository(opened.db, this.audit, now);
    this.settings = new SettingsRepository(opened.db, this.audit, now);
    this.snapshots = new SnapshotRepository(opened.sqlite);
  }

  /** Opens the file (created and migrated if new). */
  static open(file: string, clock: Clock = systemClock): Store {
    return new Store(openDatabase(file), clock);
  }

  get db(): Db {
    return this.opened.db;
  }

  /** The raw better-sqlite3 handle, for pragmas and maintenance (not for queries: use a repository). */
  get sqlite(): OpenedDatabase['sqlite'] {
    return this.opened.sqlite;
  }

  /** Runs fn in one transaction: every write lands, or none does. Nested calls become savepoints. */
  transaction<T>(fn: () => T): T {
    return this.opened.db.transaction(() => fn());
  }

  close(): void {
    this.opened.close();
  }
}
