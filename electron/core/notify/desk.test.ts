// Through the real alert engine: the desk hooks the notifier into its transitions, so a breach
// reaches the on-call risk manager, escalates, stops on acknowledgement and shows in the timeline.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshot, T0 } from '../alerts/test-support';
import { Desk } from '../desk';
import { ManualClock, ManualTimers, type DesktopNotification } from '../ports';
import { tempDir } from '../testing';
import { TestHttpEndpoint, TestSmtpServer, twilioReply } from './test-support';

const MIN = 60_000;

describe('notifications through the alert engine', () => {
  const tmp = tempDir('risk-desk-notify-desk-');
  let smtp: TestSmtpServer;
  let twilio: TestHttpEndpoint;
  beforeAll(async () => {
    smtp = await TestSmtpServer.open();
    twilio = await TestHttpEndpoint.open();
    let n = 0;
    twilio.respond = (r) => twilioReply(r, ++n);
  });
  afterAll(async () => {
    await smtp.stop();
    await twilio.close();
    tmp.cleanup();
  });

  it('a CRITICAL breach pages on-call, escalates to the head of risk, stops when acknowledged, and tells both it is resolved', async () => {
    const clock = new ManualClock(T0);
    const timers = new ManualTimers(clock);
    const shown: DesktopNotification[] = [];
    const desk = Desk.open({
      dbFile: path.join(tmp.dir, 'desk.db'),
      clock,
      alertTickMs: 0,
      startNotify: false,
      // Not live: this test drives the metrics itself (the monitor would publish the demo book's real figures).
      live: false,
      notify: {
        env: {},
        flags: { smtpHost: '127.0.0.1', smtpPort: smtp.port, smtpSecurity: 'none', smtpFrom: 'risk@desk.example', twilioAccountSid: 'AC1', twilioAuthToken: 't', twilioFrom: '+15555550100' },
        endpoints: { twilioBaseUrl: twilio.url },
        desktop: { show: async (n) => void shown.push(n) },
        timers,
      },
    });
    const escalations: number[] = [];
    desk.events.on('escalation', (e) => escalations.push(e.step));
    const book = desk.store.book.listPortfolios()[0];
    const run = async () => {
      timers.advance(0);
      desk.notify.escalation.pass();
      await desk.notify.sender.pass();
    };

    // The demo limit: gross leverage above 3x is CRITICAL.
    desk.events.emit('metrics', { snapshot: snapshot(book.id, { leverage_ratio: 3.6 }) });
    const [alert] = desk.alerts.openAlerts();
    expect(alert).toMatchObject({ severity: 'CRITICAL', metric_type: 'leverage_ratio' });
    await run();
    await smtp.waitFor(1);
    expect(smtp.mails[0]).toMatchObject({ to: ['oncall.risk@example.com'], subject: `[CRITICAL] ${book.name}: Leverage 3.60 breaches 3.00` });
    expect(shown).toHaveLength(1);

    clock.advance(15 * MIN);
    await run();
    await smtp.waitFor(2);
    expect(smtp.mails[1].subject).toBe(`[CRITICAL] ESCALATED to head of risk: ${book.name} Leverage 3.60`);
    expect(twilio.requests.map((r) => r.form.To)).toEqual(['+15555550102']);
    expect(escalations).toEqual([0, 1]);

    desk.alerts.acknowledge(alert.id, 'alice', 'cutting the position');
    clock.advance(30 * MIN);
    await run();
    expect(smtp.mails.map((m) => m.to[0])).not.toContain('cro@example.com');
    expect(escalations).toEqual([0, 1]);

    desk.alerts.resolve(alert.id, 'alice', 'leverage back to 2.5x');
    await run();
    await smtp.waitFor(4);
    expect(smtp.mails.slice(2).map((m) => [m.to[0], m.subject])).toEqual([
      ['head.of.risk@example.com', `[RESOLVED] ${book.name}: Leverage back within limit`],
      ['oncall.risk@example.com', `[RESOLVED] ${book.name}: Leverage back within limit`],
    ]);

    const timeline = desk.alerts.timeline(alert.id);
    const kinds = timeline.map((e) => `${e.source}:${e.kind}`);
    expect(kinds.filter((k) => k === 'escalation:escalation')).toHaveLength(3);
    expect(timeline.find((e) => e.source === 'escalation' && e.summary.includes('chief risk officer'))!.summary).toBe('step 2 chief risk officer: cancelled (acknowledged by alice)');
    expect(timeline.filter((e) => e.source === 'notify').map((e) => e.summary)).toContain('sms to +15555550102: sent');
    await desk.close();
  });
});
