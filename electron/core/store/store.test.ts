import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ThresholdInput } from '../../../shared/domain';
import { ManualClock } from '../ports';
import { tempDir } from '../testing';
import { Store } from './store';

const TABLES = [
  'portfolios',
  'instruments',
  'positions',
  'prices',
  'risk_snapshots',
  'risk_alert_thresholds',
  'risk_alerts',
  'alert_acknowledgments',
  'notification_templates',
  'notification_logs',
  'escalation_rules',
  'escalation_steps',
  'escalation_events',
  'contacts',
  'audit_log',
];

describe('Store', () => {
  const tmp = tempDir();
  afterEach(() => undefined);

  it('migrates an empty file to every table, with WAL, foreign keys and a busy timeout', () => {
    const file = `${tmp.dir}/fresh.db`;
    const store = Store.open(file);
    const raw = new Database(file, { readonly: true });
    const tables = raw.prepare("select name from sqlite_master where type='table'").all().map((r) => (r as { name: string }).name);
    for (const t of TABLES) expect(tables).toContain(t);
    expect(store.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
    raw.close();
    store.close();
  });

  it('re-opening an up-to-date database applies no migration and keeps the data', () => {
    const file = `${tmp.dir}/again.db`;
    const first = Store.open(file);
    first.book.upsertPortfolio({ id: 'p1', name: 'One', nav: 1e6, currency: 'USD' });
    const applied = first.sqlite.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number };
    first.close();
    const second = Store.open(file);
    const again = second.sqlite.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number };
    expect(again.n).toBe(applied.n);
    expect(applied.n).toBeGreaterThan(0);
    expect(second.book.listPortfolios()).toEqual([{ id: 'p1', name: 'One', nav: 1e6, currency: 'USD' }]);
    second.close();
  });

  it('enforces foreign keys: a position needs its portfolio and instrument', () => {
    const store = Store.open(`${tmp.dir}/fk.db`);
    expect(() => store.book.setPosition({ portfolio_id: 'nope', symbol: 'AAPL', quantity: 1 })).toThrow(/FOREIGN KEY/);
    store.close();
  });

  it('writes an audit row with who, when, before and after for every threshold change', () => {
    const clock = new ManualClock(Date.parse('2026-03-02T09:30:00.000Z'));
    const store = Store.open(`${tmp.dir}/audit.db`, clock);
    const input = ThresholdInput.parse({ portfolio_id: '*', metric_type: 'var_95', threshold_value: -0.05, comparison_type: 'less_than', severity: 'HIGH' });
    const t = store.thresholds.create(input, 'alice');
    clock.advance(60_000);
    store.thresholds.update(t.id, { ...input, threshold_value: -0.04 }, 'bob');
    clock.advance(60_000);
    store.thresholds.delete(t.id, 'carol');
    const trail = store.audit.list({ entity: 'threshold', entityId: String(t.id) });
    expect(trail.map((e) => [e.actor, e.action, e.at])).toEqual([
      ['carol', 'delete', '2026-03-02T09:32:00.000Z'],
      ['bob', 'update', '2026-03-02T09:31:00.000Z'],
      ['alice', 'create', '2026-03-02T09:30:00.000Z'],
    ]);
    expect((trail[1].before as { threshold_value: number }).threshold_value).toBe(-0.05);
    expect((trail[1].after as { threshold_value: number }).threshold_value).toBe(-0.04);
    expect(trail[0].after).toBeNull();
    store.close();
  });

  it('rolls back every write of a failed transaction', () => {
    const store = Store.open(`${tmp.dir}/tx.db`);
    expect(() =>
      store.transaction(() => {
        store.book.upsertPortfolio({ id: 'p1', name: 'One', nav: null, currency: 'USD' });
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(store.book.countPortfolios()).toBe(0);
    store.close();
  });
});
