import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotifyHarness } from './harness';

let h: NotifyHarness;
beforeEach(async () => {
  h = await NotifyHarness.open();
});
afterEach(async () => {
  await h.close();
});

const MIN = 60_000;

describe('alert transitions write outbox rows in the same transaction', () => {
  it('a CRITICAL trigger queues step 0 (on-call by email and desktop), copies the policy and schedules the later steps', () => {
    const a = h.trigger();
    expect(h.rows(a.id).map((r) => [r.channel, r.recipient, r.status, r.transition])).toEqual([
      ['email', 'oncall.risk@example.com', 'queued', 'triggered'],
      ['desktop', 'desktop', 'queued', 'triggered'],
    ]);
    const policy = h.store.escalation.policy(a.id)!;
    expect(policy.steps.map((s) => [s.level, s.delay_minutes])).toEqual([
      ['on-call risk manager', 0],
      ['head of risk', 15],
      ['chief risk officer', 30],
    ]);
    expect(h.store.escalation.timersFor(a.id).map((t) => [t.stepIndex, t.status, t.dueAt])).toEqual([
      [0, 'fired', '2026-01-02T14:02:00.000Z'],
      [1, 'scheduled', '2026-01-02T14:17:00.000Z'],
      [2, 'scheduled', '2026-01-02T14:32:00.000Z'],
    ]);
  });

  it('rolls back with the state change: no row survives a failed transaction', () => {
    expect(() =>
      h.store.transaction(() => {
        h.trigger();
        throw new Error('alert engine failed after the hook');
      }),
    ).toThrow('alert engine failed');
    expect(h.rows()).toEqual([]);
    expect(h.store.escalation.countScheduled()).toBe(0);
  });

  it('a hook failure loses the notifications, not the alert engine transaction, and says so on the bus', () => {
    h.store.transaction(() => {
      h.store.book.upsertPortfolio({ id: 'kept', name: 'Kept', nav: 1, currency: 'USD' });
      const ghost = { ...h.trigger({}, false), id: 9999 };
      h.service.transitionHook({ transition: 'triggered', alert: ghost, previous: null, at: h.iso(), actor: 'system', notify: true });
    });
    expect(h.store.book.getPortfolio('kept')).toBeDefined();
    expect(h.eventsNamed('system').map((e) => e.message)).toEqual([expect.stringMatching(/notifications for alert 9999 \(triggered\) failed: FOREIGN KEY/)]);
  });

  it('a silenced trigger (notify false) queues nothing and schedules nothing', () => {
    const a = h.trigger({}, false);
    expect(h.rows(a.id)).toEqual([]);
    expect(h.store.escalation.timersFor(a.id)).toEqual([]);
    expect(h.store.audit.list({ entity: 'escalation', entityId: String(a.id) }).map((e) => e.action)).toEqual(['suppressed']);
  });
});

describe('delivery', () => {
  it('sends the email to the SMTP server and shows the desktop notification; the log records sent, attempts and provider id', async () => {
    const a = h.trigger();
    await h.step();
    await h.smtp.waitFor(1);
    expect(h.smtp.mails[0]).toMatchObject({ to: ['oncall.risk@example.com'], subject: '[CRITICAL] Global Macro: VaR 95% -6.12% breaches -5.00%' });
    expect(h.smtp.mails[0].text).toContain('Utilisation: 122.4%');
    expect(h.shown).toEqual([expect.objectContaining({ urgency: 'critical', title: '[CRITICAL] Global Macro: VaR 95% -6.12% breaches -5.00%' })]);
    const [email, desktop] = h.rows(a.id);
    expect(email).toMatchObject({ status: 'sent', attempts: 1, provider_id: h.smtp.mails[0].messageId, sent_at: h.iso() });
    expect(desktop).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('retries an SMTP outage with exponential backoff and delivers once the server is back', async () => {
    await h.smtp.stop();
    const a = h.trigger({ severity: 'HIGH' });
    await h.step();
    let email = h.rows(a.id).find((r) => r.channel === 'email')!;
    expect(email).toMatchObject({ status: 'queued', attempts: 1, next_attempt_at: h.iso(h.clock.now() + 5_000) });
    expect(email.error).toMatch(/ECONNECTION|ECONNREFUSED/);
    h.clock.advance(5_000);
    await h.step();
    email = h.rows(a.id).find((r) => r.channel === 'email')!;
    expect(email).toMatchObject({ status: 'queued', attempts: 2, next_attempt_at: h.iso(h.clock.now() + 10_000) });
    await h.smtp.start();
    h.clock.advance(9_999);
    await h.step();
    expect(h.smtp.mails).toHaveLength(0); // not due yet
    h.clock.advance(1);
    await h.step();
    await h.smtp.waitFor(1);
    expect(h.rows(a.id).find((r) => r.channel === 'email')).toMatchObject({ status: 'sent', attempts: 3 });
  });

  it('fails a permanent SMTP refusal at once; a CRITICAL email then falls back to SMS to the same contact', async () => {
    h.smtp.rejectRcpt.set('oncall.risk@example.com', 550);
    const a = h.trigger();
    await h.step();
    const email = h.rows(a.id).find((r) => r.channel === 'email')!;
    expect(email).toMatchObject({ status: 'failed', attempts: 1 });
    expect(email.error).toMatch(/^SMTP 550/);
    const sms = h.rows(a.id).find((r) => r.channel === 'sms')!;
    expect(sms).toMatchObject({ recipient: '+15555550101', fallback_of: email.id, status: 'queued' });
    await h.step();
    expect(h.twilio.requests.map((r) => [r.form.To, r.form.Body])).toEqual([['+15555550101', 'CRITICAL #1 global_macro VaR 95% -6.12% vs limit -5.00% (122.4%). Ack in Risk Desk.']]);
    expect(h.rows(a.id).find((r) => r.channel === 'sms')).toMatchObject({ status: 'sent', provider_id: `SM${'1'.padStart(32, '0')}` });
  });

  it('a HIGH email that fails for good does not fall back to SMS', async () => {
    h.smtp.rejectRcpt.set('oncall.risk@example.com', 550);
    const a = h.trigger({ severity: 'HIGH' });
    await h.step();
    await h.step();
    expect(h.rows(a.id).map((r) => [r.channel, r.status])).toEqual([
      ['email', 'failed'],
      ['desktop', 'sent'],
    ]);
    expect(h.twilio.requests).toEqual([]);
  });

  it('an SMTP outage: CRITICAL falls back to SMS after the configured time, and nothing is lost when SMTP returns', async () => {
    await h.smtp.stop();
    const critical = h.trigger();
    const medium = h.trigger({ severity: 'MEDIUM', portfolio_id: 'tech_growth', metric_type: 'volatility', current_value: 0.4, threshold_value: 0.35 });
    for (let t = 0; t < 130_000; t += 10_000) {
      await h.step();
      h.clock.advance(10_000);
    }
    await h.step();
    expect(h.twilio.requests.map((r) => r.form.To)).toEqual(['+15555550101']);
    expect(h.rows(critical.id).find((r) => r.channel === 'sms')!.fallback_of).toBe(h.rows(critical.id)[0].id);
    await h.smtp.start();
    h.clock.advance(5 * MIN);
    await h.step();
    await h.smtp.waitFor(2);
    expect(h.smtp.mails.map((m) => m.subject).sort()).toEqual([
      '[CRITICAL] Global Macro: VaR 95% -6.12% breaches -5.00%',
      '[MEDIUM] tech_growth: Volatility (ann.) 40.00% breaches 35.00%',
    ]);
    for (const a of [critical, medium]) expect(h.rows(a.id).filter((r) => r.status !== 'sent')).toEqual([]);
  });

  it('an SMS that cannot be handed over within its validity is marked expired, never sent late', async () => {
    const n = h.twilio.requests.length;
    h.twilio.respond = () => ({ status: 503, body: JSON.stringify({ code: 20503, message: 'unavailable', status: 503 }) });
    const a = h.trigger();
    h.clock.advance(15 * MIN);
    await h.step(); // head of risk: email + SMS; the SMS meets a 503
    const sms = () => h.rows(a.id).find((r) => r.channel === 'sms')!;
    expect(sms()).toMatchObject({ status: 'queued', attempts: 1, expires_at: h.iso(h.clock.now() + 30 * MIN) });
    h.clock.advance(31 * MIN);
    h.twilio.respond = () => ({ status: 201, body: JSON.stringify({ sid: 'SMlate' }) });
    await h.service.sender.pass();
    expect(sms()).toMatchObject({ status: 'expired', attempts: 1 });
    expect(h.twilio.requests.length - n).toBe(1);
  });
});

describe('escalation', () => {
  it('fires the head of risk at +15 min and the CRO at +30 min by email and SMS, with escalation events', async () => {
    const a = h.trigger();
    await h.step();
    h.clock.advance(15 * MIN - 1);
    await h.step();
    expect(h.eventsNamed('escalation')).toEqual([expect.objectContaining({ step: 0 })]);
    h.clock.advance(1);
    await h.step();
    h.clock.advance(15 * MIN);
    await h.step();
    await h.smtp.waitFor(3);
    expect(h.smtp.mails.map((m) => [m.to[0], m.subject])).toEqual([
      ['oncall.risk@example.com', '[CRITICAL] Global Macro: VaR 95% -6.12% breaches -5.00%'],
      ['head.of.risk@example.com', '[CRITICAL] ESCALATED to head of risk: Global Macro VaR 95% -6.12%'],
      ['cro@example.com', '[CRITICAL] ESCALATED to chief risk officer: Global Macro VaR 95% -6.12%'],
    ]);
    expect(h.twilio.requests.map((r) => r.form.To)).toEqual(['+15555550102', '+15555550103']);
    expect(h.eventsNamed('escalation').map((e) => [e.step, e.level, e.channel, e.recipients, e.at])).toEqual([
      [0, 'on-call risk manager', 'email+desktop', ['On-call risk manager'], '2026-01-02T14:02:00.000Z'],
      [1, 'head of risk', 'email+sms', ['Head of risk'], '2026-01-02T14:17:00.000Z'],
      [2, 'chief risk officer', 'email+sms', ['Chief risk officer'], '2026-01-02T14:32:00.000Z'],
    ]);
    expect(h.eventsNamed('system')).toEqual([]);
    expect(h.store.audit.list({ entity: 'escalation', entityId: String(a.id) }).filter((e) => e.action === 'step')).toHaveLength(3);
  });

  it('the last step repeats every interval while nobody acknowledges, repeat_count times', async () => {
    const a = h.trigger();
    for (let i = 0; i <= 12; i++) {
      await h.step();
      h.clock.advance(5 * MIN);
    }
    const cro = h.store.escalation.timersFor(a.id).filter((t) => t.stepIndex === 2);
    expect(cro.map((t) => [t.repeatIndex, t.status, t.dueAt])).toEqual([
      [0, 'fired', '2026-01-02T14:32:00.000Z'],
      [1, 'fired', '2026-01-02T14:47:00.000Z'],
      [2, 'fired', '2026-01-02T15:02:00.000Z'],
    ]);
    expect(h.rows(a.id).filter((r) => r.recipient === 'cro@example.com')).toHaveLength(3);
  });

  it('acknowledging stops further steps; resolving cancels them and tells everyone who heard', async () => {
    const a = h.trigger();
    await h.step();
    h.clock.advance(16 * MIN);
    await h.step();
    const acked = h.transition(a, 'acknowledged', { status: 'ACKNOWLEDGED', acknowledged_by: 'alice', acknowledged_at: h.iso() }, 'alice');
    expect(h.store.escalation.timersFor(a.id).map((t) => [t.stepIndex, t.status, t.detail])).toEqual([
      [0, 'fired', 'fired with triggered'],
      [1, 'fired', null],
      [2, 'cancelled', 'acknowledged by alice'],
    ]);
    h.clock.advance(30 * MIN);
    await h.step();
    expect(h.rows(a.id).some((r) => r.recipient === 'cro@example.com')).toBe(false);
    h.transition(acked, 'resolved', { status: 'RESOLVED', resolved_by: 'alice', resolved_at: h.iso(), resolution: 'position cut', current_value: -0.041 }, 'alice');
    await h.step();
    const resolution = h.rows(a.id).filter((r) => r.transition === 'resolved');
    expect(resolution.map((r) => [r.channel, r.recipient, r.status]).sort()).toEqual([
      ['desktop', 'desktop', 'sent'],
      ['email', 'head.of.risk@example.com', 'sent'],
      ['email', 'oncall.risk@example.com', 'sent'],
      ['sms', '+15555550102', 'sent'],
    ]);
    expect(h.smtp.mails.at(-1)!.subject).toBe('[RESOLVED] Global Macro: VaR 95% back within limit');
    expect(h.smtp.mails.at(-1)!.text).toContain('Reason:   position cut');
  });

  it('a reopened alert escalates again in a new round, keys distinct from the first', async () => {
    const a = h.trigger();
    await h.step();
    const acked = h.transition(a, 'acknowledged', { status: 'ACKNOWLEDGED', acknowledged_by: 'bob' });
    h.clock.advance(60 * MIN);
    h.transition(acked, 'reopened', { status: 'TRIGGERED' });
    await h.step();
    expect(h.store.escalation.policy(a.id)!.round).toBe(1);
    const oncall = h.rows(a.id).filter((r) => r.recipient === 'oncall.risk@example.com');
    expect(oncall.map((r) => [r.transition, r.status])).toEqual([
      ['triggered', 'sent'],
      ['reopened', 'sent'],
    ]);
    expect(h.store.escalation.timersFor(a.id).filter((t) => t.status === 'scheduled').map((t) => [t.round, t.stepIndex])).toEqual([
      [1, 1],
      [1, 2],
    ]);
  });

  it('after a restart, overdue steps fire once each (none twice) and the watchdog reports them late', async () => {
    const a = h.trigger();
    await h.step();
    await h.restart();
    h.clock.advance(40 * MIN); // the process was down past both later steps
    await h.step();
    await h.step();
    await h.restart();
    await h.step();
    const fired = h.store.escalation.timersFor(a.id).filter((t) => t.status === 'fired');
    expect(fired.map((t) => [t.stepIndex, t.repeatIndex])).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
    ]);
    await h.smtp.waitFor(3);
    expect(h.smtp.mails.map((m) => m.to[0])).toEqual(['oncall.risk@example.com', 'head.of.risk@example.com', 'cro@example.com']);
    expect(h.eventsNamed('system').map((e) => e.message)).toEqual([
      'escalation step 1 (head of risk) of alert 1 fired 1500 s late (due 2026-01-02T14:17:00.000Z)',
      'escalation step 2 (chief risk officer) of alert 1 fired 600 s late (due 2026-01-02T14:32:00.000Z)',
    ]);
    // The repeat is scheduled from the restart, not stacked in the past.
    expect(h.store.escalation.timersFor(a.id).find((t) => t.repeatIndex === 1)).toMatchObject({ status: 'scheduled', dueAt: h.iso(h.clock.now() + 15 * MIN) });
  });

  it('a portfolio rule wins over the catch-all; roles resolve when the step fires', async () => {
    const desk = h.service.createContact({ name: 'Macro desk head', role: 'macro_head', email: 'macro@example.com' }, 'admin');
    h.service.createRule(
      { name: 'Macro critical', severity: 'CRITICAL', portfolio_id: 'global_macro', steps: [{ level: 'desk head', delay_minutes: 0, recipients: [{ contact_id: desk.id }], channels: ['email'] }, { level: 'risk', delay_minutes: 5, recipients: [{ role: 'on_call_risk' }], channels: ['email'] }] },
      'admin',
    );
    const a = h.trigger();
    // A contact who takes the role after the trigger is still reached by the later step.
    h.service.createContact({ name: 'Second on-call', role: 'on_call_risk', email: 'second@example.com' }, 'admin');
    h.clock.advance(5 * MIN);
    await h.step();
    expect(h.rows(a.id).map((r) => r.recipient)).toEqual(['macro@example.com', 'oncall.risk@example.com', 'second@example.com']);
  });
});

describe('rate limits and digests', () => {
  it('CRITICAL goes first; lower severities over a recipient limit are batched into one digest', async () => {
    const mediums = Array.from({ length: 20 }, (_, i) => h.trigger({ severity: 'MEDIUM', portfolio_id: `p${i}`, metric_type: 'max_drawdown', current_value: -0.3, threshold_value: -0.25 }));
    const critical = h.trigger();
    await h.service.sender.pass();
    const emails = h.rows().filter((r) => r.channel === 'email');
    expect(emails.find((r) => r.alert_id === critical.id)!.status).toBe('sent');
    // burst of 5 per recipient: the CRITICAL took one, four MEDIUM went singly, sixteen wait in a digest
    expect(emails.filter((r) => r.severity === 'MEDIUM' && r.status === 'sent')).toHaveLength(4);
    const batched = emails.filter((r) => r.status === 'batched');
    expect(batched).toHaveLength(16);
    const digest = h.rows().find((r) => r.transition === 'digest' && r.channel === 'email')!;
    expect(batched.every((r) => r.batch_id === digest.id)).toBe(true);
    expect(digest.status).toBe('queued');
    h.clock.advance(12_000);
    await h.service.sender.pass();
    await h.smtp.waitFor(6);
    const mail = h.smtp.mails.find((m) => m.subject.startsWith('Risk Desk digest'))!;
    expect(mail.subject).toBe('Risk Desk digest: 16 alert notifications');
    expect(mail.text.split('\n').filter((l) => l.startsWith('- [MEDIUM]'))).toHaveLength(16);
    expect(mediums).toHaveLength(20);
    expect(h.smtp.mails).toHaveLength(6);
  });
});
