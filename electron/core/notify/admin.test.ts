// The methods the API and the dashboard call: settings, test messages, contacts, rules,
// templates, the log and the timeline.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../book/types';
import { MemorySecretStore, silentLogger } from '../ports';
import { resolveChannels } from './config';
import { DEFAULT_TEMPLATES } from './defaults';
import { NotifyHarness } from './harness';
import { TestHttpEndpoint, snsReply } from './test-support';
import { TemplateError } from './templates';

let h: NotifyHarness;
beforeEach(async () => {
  h = await NotifyHarness.open();
});
afterEach(async () => {
  await h.close();
});

describe('channel settings', () => {
  it('flags win over the environment, which wins over saved settings; sources are reported', () => {
    const secrets = new MemorySecretStore();
    secrets.set('smtp_password', 'saved-pass');
    const r = resolveChannels(
      { smtpHost: 'flag.example' },
      { SMTP_HOST: 'env.example', SMTP_PORT: '465', SMTP_FROM: 'env@example.com' },
      { email: { host: 'saved.example', port: 2525, from: 'saved@example.com', username: 'saved-user' } },
      secrets,
    );
    expect(r.email).toEqual({ host: 'flag.example', port: 465, security: 'tls', username: 'saved-user', password: 'saved-pass', from: 'env@example.com' });
    expect(r.view.sources).toMatchObject({ 'email.host': 'flag', 'email.port': 'env', 'email.username': 'saved', 'email.password': 'saved', 'email.security': 'default' });
  });

  it('secrets are write-only: saved to the SecretStore, reported only as set, never in the database or the audit trail', async () => {
    const view = await h.service.updateChannelSettings({ sms: { twilio_auth_token: 'new-token-value', validity_minutes: 10 }, email: { password: 'hunter2-smtp' } }, 'admin');
    expect(view.sms).toMatchObject({ twilio_auth_token_set: true, validity_minutes: 10 });
    expect(view.email.password_set).toBe(true);
    expect(JSON.stringify(view)).not.toMatch(/new-token-value|hunter2-smtp|twilio-secret-token/);
    expect(h.secrets.get('twilio_auth_token')).toBe('new-token-value');
    expect(h.secrets.get('smtp_password')).toBe('hunter2-smtp');
    const dump = JSON.stringify(h.store.sqlite.prepare('select * from settings').all()) + JSON.stringify(h.store.audit.list({ limit: 1000 }));
    expect(dump).not.toMatch(/new-token-value|hunter2-smtp/);
    expect(h.store.audit.list({ entity: 'setting', entityId: 'notify.secrets' })[0].after).toEqual({ changed: ['smtp_password set', 'twilio_auth_token set'] });
    await h.service.updateChannelSettings({ email: { password: null } }, 'admin');
    expect(h.secrets.has('smtp_password')).toBe(false);
  });

  it('an email host saved from the dashboard is used when neither flag nor environment sets one', async () => {
    const secrets = new MemorySecretStore();
    const before = resolveChannels({}, {}, {}, secrets);
    expect(before.view.email.configured).toBe(false);
    const after = resolveChannels({}, {}, { email: { host: 'relay.example', from: 'risk@example.com', security: 'none', port: 25 } }, secrets);
    expect(after.email).toMatchObject({ host: 'relay.example', port: 25, security: 'none' });
    expect(after.view.sources['email.host']).toBe('saved');
  });
});

describe('test messages', () => {
  it('sends one through each channel and logs it', async () => {
    const hook = await TestHttpEndpoint.open();
    try {
      const email = await h.service.sendTestMessage({ channel: 'email', to: 'ops@example.com' }, 'admin');
      const sms = await h.service.sendTestMessage({ channel: 'sms', to: '+15555550199' }, 'admin');
      const web = await h.service.sendTestMessage({ channel: 'webhook', to: `${hook.url}/hook` }, 'admin');
      const desk = await h.service.sendTestMessage({ channel: 'desktop' }, 'admin');
      expect([email.ok, sms.ok, web.ok, desk.ok]).toEqual([true, true, true, true]);
      await h.smtp.waitFor(1);
      expect(h.smtp.mails[0]).toMatchObject({ to: ['ops@example.com'], subject: 'Risk Desk test message' });
      expect(h.twilio.requests[0].form.To).toBe('+15555550199');
      expect((hook.requests[0].json as { text: string }).text).toMatch(/^\*Risk Desk test message\*\nThis is a test message from Risk Desk, sent by admin/);
      expect(h.shown).toHaveLength(1);
      expect(h.service.listNotifications({ status: 'sent' }).items.map((r) => [r.transition, r.channel])).toEqual([
        ['test', 'desktop'],
        ['test', 'webhook'],
        ['test', 'sms'],
        ['test', 'email'],
      ]);
    } finally {
      await hook.close();
    }
  });

  it('reports a failure with whether it is permanent', async () => {
    h.smtp.rejectRcpt.set('nobody@example.com', 550);
    expect(await h.service.sendTestMessage({ channel: 'email', to: 'nobody@example.com' }, 'admin')).toMatchObject({ ok: false, permanent: true, error: expect.stringMatching(/^SMTP 550/) });
    await expect(h.service.sendTestMessage({ channel: 'email' }, 'admin')).rejects.toThrow(InputError);
  });

  it('SMS through AWS SNS when that is the provider configured', async () => {
    const sns = await TestHttpEndpoint.open();
    sns.respond = () => snsReply(1);
    try {
      await h.service.stop();
      const { NotifyService } = await import('./service');
      const svc = new NotifyService({ store: h.store, clock: h.clock, logger: silentLogger, events: h.bus }, {
        env: { AWS_SNS_REGION: 'eu-west-2' },
        endpoints: { snsEndpoint: sns.url, snsCredentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'x' } },
      });
      expect(svc.getChannelSettings().sms).toMatchObject({ provider: 'sns', sns_region: 'eu-west-2', configured: true });
      expect(await svc.sendTestMessage({ channel: 'sms', to: '+15555550199' }, 'admin')).toMatchObject({ ok: true, provider_id: 'msg-1' });
      expect(sns.requests[0].form).toMatchObject({ Action: 'Publish', PhoneNumber: '+15555550199' });
      await svc.stop();
    } finally {
      await sns.close();
    }
  });
});

describe('contacts, rules and templates', () => {
  it('contacts CRUD is audited', () => {
    const c = h.service.createContact({ name: 'Deputy', role: 'head_of_risk', email: 'deputy@example.com' }, 'admin');
    h.service.updateContact(c.id, { name: 'Deputy', role: 'head_of_risk', email: 'deputy@example.com', phone: '+15555550177' }, 'admin');
    expect(h.service.deleteContact(c.id, 'admin')).toBe(true);
    expect(h.store.audit.list({ entity: 'contact', entityId: String(c.id) }).map((e) => [e.action, e.actor])).toEqual([
      ['delete', 'admin'],
      ['update', 'admin'],
      ['create', 'admin'],
    ]);
    expect(() => h.service.createContact({ name: 'Bad', role: 'x', phone: '0123' }, 'admin')).toThrow(/E\.164/);
  });

  it('escalation rules CRUD is audited; a step naming an unknown contact or out-of-order delays is refused', () => {
    const rule = h.service.createRule({ name: 'Tech', severity: 'HIGH', portfolio_id: 'tech_growth', steps: [{ level: 'l1', delay_minutes: 0, recipients: [{ role: 'cro' }], channels: ['webhook'] }] }, 'admin');
    expect(h.service.getRule(rule.id)!.steps[0]).toMatchObject({ step_order: 0, channels: ['webhook'], recipients: [{ role: 'cro' }] });
    h.service.updateRule(rule.id, { name: 'Tech 2', severity: 'HIGH', steps: [{ level: 'l1', delay_minutes: 1, recipients: [{ contact_id: 1 }], channels: ['both'] }] }, 'admin');
    expect(h.service.getRule(rule.id)).toMatchObject({ name: 'Tech 2', portfolio_id: null });
    expect(h.service.deleteRule(rule.id, 'admin')).toBe(true);
    expect(h.store.audit.list({ entity: 'escalation_rule', entityId: String(rule.id) }).map((e) => e.action)).toEqual(['delete', 'update', 'create']);
    const bad = () => h.service.createRule({ name: 'x', severity: 'LOW', steps: [{ level: 'l', delay_minutes: 0, recipients: [{ contact_id: 999 }], channels: ['email'] }] }, 'admin');
    expect(bad).toThrow(InputError);
    expect(bad).toThrow(/steps\.0\.recipients\.0\.contact_id.*no contact 999/);
    expect(() =>
      h.service.createRule({ name: 'x', severity: 'LOW', steps: [{ level: 'a', delay_minutes: 10, recipients: [{ role: 'cro' }], channels: ['email'] }, { level: 'b', delay_minutes: 5, recipients: [{ role: 'cro' }], channels: ['email'] }] }, 'admin'),
    ).toThrow(/must not be earlier than step 0/);
  });

  it('a new database has the four default templates; an edit is checked, audited and used for the next alert', async () => {
    expect(h.service.listTemplates().map((t) => t.kind)).toEqual(['new_alert', 'escalation', 'resolution', 'digest']);
    const broken = { ...DEFAULT_TEMPLATES.new_alert, sms: 'ok\n{{ severity | nope }}' };
    expect(() => h.service.updateTemplate('new_alert', broken, 'admin')).toThrow(TemplateError);
    expect(() => h.service.updateTemplate('new_alert', broken, 'admin')).toThrow('new_alert template, sms, line 2, column 1: undefined filter: nope');
    h.service.updateTemplate('new_alert', { ...DEFAULT_TEMPLATES.new_alert, subject: 'BREACH {{ portfolio }} {{ utilisation }}' }, 'admin');
    expect(h.store.audit.list({ entity: 'template', entityId: 'new_alert' })[0]).toMatchObject({ action: 'update', actor: 'admin' });
    h.trigger();
    await h.step();
    await h.smtp.waitFor(1);
    expect(h.smtp.mails[0].subject).toBe('BREACH global_macro 122.4%');
  });

  it('previews a draft against a sample alert, cutting a long SMS to 160 characters', () => {
    const p = h.service.previewTemplate('escalation', { subject: '{{ escalation_level }}: {{ portfolio_name }}', body: '{{ description }}', sms: '{% for i in (1..40) %}{{ severity }} {% endfor %}' }, { severity: 'HIGH' });
    expect(p.subject).toBe('head of risk: Global Macro');
    expect(p.sms.length).toBe(160);
    expect(p).toMatchObject({ sms_truncated: true, sms_length: 199 });
    const digest = h.service.previewTemplate('digest', DEFAULT_TEMPLATES.digest);
    expect(digest.sms).toBe('Risk Desk: 2 more alerts (1 CRITICAL, 1 HIGH). See email/Risk Desk.');
  });
});

describe('the log and the timeline', () => {
  it('lists with filters and cursor pagination, newest first', async () => {
    for (let i = 0; i < 3; i++) h.trigger({ portfolio_id: `p${i}`, severity: 'HIGH' });
    const all = h.service.listNotifications({ limit: 1000 }).items;
    expect(all).toHaveLength(6);
    const first = h.service.listNotifications({ limit: 4 });
    const second = h.service.listNotifications({ limit: 4, cursor: first.next_cursor! });
    expect([...first.items, ...second.items].map((r) => r.id)).toEqual(all.map((r) => r.id));
    expect(second.next_cursor).toBeNull();
    expect(h.service.listNotifications({ channel: 'desktop' }).items.every((r) => r.channel === 'desktop')).toBe(true);
    expect(h.service.listNotifications({ alert_id: 2 }).items.map((r) => r.alert_id)).toEqual([2, 2]);
    expect(h.service.listNotifications({ since: '2026-01-02T15:02:00+01:00' }).items).toHaveLength(6);
    expect(h.service.listNotifications({ until: '2026-01-02T14:02:00Z' }).items).toHaveLength(0);
  });

  it('the timeline shows escalation steps and notifications in time order', async () => {
    const a = h.trigger();
    await h.step();
    h.clock.advance(15 * 60_000);
    await h.step();
    const t = h.service.timelineEntries(a.id);
    expect(t.map((e) => (e.kind === 'escalation' ? `${e.at} step ${e.step} ${e.status}` : `${e.at} ${e.channel} ${e.recipient} ${e.status}`))).toEqual([
      '2026-01-02T14:02:00.000Z step 0 fired',
      '2026-01-02T14:02:00.000Z email oncall.risk@example.com sent',
      '2026-01-02T14:02:00.000Z desktop desktop sent',
      '2026-01-02T14:17:00.000Z step 1 fired',
      '2026-01-02T14:17:00.000Z email head.of.risk@example.com sent',
      '2026-01-02T14:17:00.000Z sms +15555550102 sent',
      '2026-01-02T14:32:00.000Z step 2 scheduled',
    ]);
  });
});
