// Configuration changes heard from the audit trail: only committed ones, grouped per kind and
// actor, naming ids and never values; and the desk announcing them on its EventBus.
import { afterAll, describe, expect, it } from 'vitest';
import { ThresholdInput } from '../../shared/domain';
import { configChanges, CONFIG_ENTITIES } from './config-changes';
import { Desk } from './desk';
import type { EngineEvents } from './events';
import { SECRET_SMTP_PASSWORD, SETTINGS_KEY } from './notify/config';
import type { CommittedAuditRecord } from './store/repositories/audit';
import { Store } from './store/store';
import { tempDir } from './testing';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const limit = (value: number) => ThresholdInput.parse({ portfolio_id: '*', metric_type: 'var_95', threshold_value: value, comparison_type: 'less_than', severity: 'HIGH' });
const row = (r: Partial<CommittedAuditRecord> & Pick<CommittedAuditRecord, 'entity' | 'entityId'>): CommittedAuditRecord => ({ id: 1, at: '2026-01-01T00:00:00.000Z', actor: 'alice', action: 'update', ...r });
const settle = () => new Promise((r) => setImmediate(r));

describe('AuditRepository.onCommitted', () => {
  it('reports committed rows of the watched entities, once their transaction is over, and never a rolled-back one', async () => {
    const store = Store.open(`${tmp.dir}/committed.db`);
    const heard: CommittedAuditRecord[][] = [];
    store.audit.onCommitted(['threshold'], (rows) => heard.push(rows));
    const kept = store.thresholds.create(limit(-0.05), 'alice');
    expect(() =>
      store.transaction(() => {
        store.thresholds.create(limit(-0.06), 'bob');
        throw new Error('rolled back');
      }),
    ).toThrow('rolled back');
    // The rolled-back row's id is free again: a later row takes it, and only that row is reported.
    const reused = store.thresholds.create(limit(-0.07), 'carol');
    store.audit.record({ actor: 'alice', entity: 'book', entityId: 'import', action: 'import' });
    expect(heard).toEqual([]);
    await settle();
    expect(heard).toHaveLength(1);
    expect(heard[0].map((r) => [r.entityId, r.actor, r.action])).toEqual([
      [kept.id, 'alice', 'create'],
      [reused.id, 'carol', 'create'],
    ]);
    store.close();
  });

  it('stops reporting after unsubscribe, and says nothing once the store is closed', async () => {
    const store = Store.open(`${tmp.dir}/unsubscribed.db`);
    const heard: unknown[] = [];
    const off = store.audit.onCommitted(['threshold'], (rows) => heard.push(rows));
    off();
    store.thresholds.create(limit(-0.05), 'alice');
    await settle();
    const off2 = store.audit.onCommitted(['threshold'], (rows) => heard.push(rows));
    store.thresholds.create(limit(-0.05), 'alice');
    store.close();
    await settle();
    off2();
    expect(heard).toEqual([]);
  });
});

describe('configChanges', () => {
  it('groups rows per kind and actor, ids in order and once each', () => {
    const changes = configChanges([
      row({ entity: 'threshold', entityId: 3, action: 'create' }),
      row({ entity: 'threshold', entityId: 3 }),
      row({ entity: 'threshold', entityId: 4, actor: 'bob' }),
      row({ entity: 'template', entityId: 'new_alert' }),
      row({ entity: 'alert', entityId: 9 }),
    ]);
    expect(changes).toEqual([
      { kind: 'thresholds', ids: [3], actor: 'alice', at: '2026-01-01T00:00:00.000Z' },
      { kind: 'thresholds', ids: [4], actor: 'bob', at: '2026-01-01T00:00:00.000Z' },
      { kind: 'templates', ids: ['new_alert'], actor: 'alice', at: '2026-01-01T00:00:00.000Z' },
    ]);
  });

  it('names the channel sections a settings save changed and the channel of a secret, never a value', () => {
    const changes = configChanges([
      row({ entity: 'setting', entityId: SETTINGS_KEY, before: { email: { host: 'a' }, desktop: { enabled: true } }, after: { email: { host: 'b' }, desktop: { enabled: true }, fallback_after_seconds: 60 } }),
      row({ entity: 'setting', entityId: 'notify.secrets', after: { changed: [`${SECRET_SMTP_PASSWORD} set`] } }),
    ]);
    expect(changes).toEqual([{ kind: 'channels', ids: ['email', 'fallback_after_seconds'], actor: 'alice', at: '2026-01-01T00:00:00.000Z' }]);
    expect(configChanges([row({ entity: 'setting', entityId: SETTINGS_KEY, before: { sms: { provider: 'sns' } }, after: { sms: { provider: 'sns' } } })])).toEqual([]);
  });

  it('covers every kind a client edits', () => {
    expect([...CONFIG_ENTITIES].sort()).toEqual(['contact', 'escalation_rule', 'setting', 'silence', 'template', 'threshold']);
  });
});

describe('Desk', () => {
  it('announces each committed configuration change on its EventBus, with the actor', async () => {
    const desk = Desk.open({ dbFile: `${tmp.dir}/desk.db`, live: false, alertTickMs: 0, startNotify: false });
    await settle(); // the default templates a new database gets are announced too; not this test's concern
    const heard: EngineEvents['config_changed'][] = [];
    desk.events.on('config_changed', (e) => heard.push(e));
    const t = desk.alerts.createThreshold(limit(-0.05), 'alice');
    const c = desk.notify.createContact({ name: 'Dana', role: 'on_call_risk', email: 'dana@example.com', phone: null, webhook_url: null, enabled: true }, 'bob');
    await desk.notify.updateChannelSettings({ email: { host: 'smtp.example.com', password: 'hunter2-secret' } }, 'carol');
    await settle();
    expect(heard.map(({ kind, ids, actor }) => ({ kind, ids, actor }))).toEqual([
      { kind: 'thresholds', ids: [t.id], actor: 'alice' },
      { kind: 'contacts', ids: [c.id], actor: 'bob' },
      { kind: 'channels', ids: ['email'], actor: 'carol' },
    ]);
    expect(JSON.stringify(heard)).not.toContain('hunter2');
    await desk.close();
  });
});
