// Crash safety through a real process: the engine is SIGKILLed between escalation steps,
// restarted on the same database, and every step must reach the SMTP server exactly once.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContactInput, EscalationRuleInput } from '../../../shared/notify';
import { snapshot } from '../alerts/test-support';
import { Desk } from '../desk';
import { systemClock } from '../ports';
import { Store } from '../store/store';
import { tempDir } from '../testing';
import { TestSmtpServer } from './test-support';

const CHILD = path.join(__dirname, 'crash-child.ts');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function startEngine(db: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, db, String(port)], { stdio: ['ignore', 'pipe', 'pipe'], cwd: path.join(__dirname, '../../..') });
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve(child));
    child.once('exit', (code) => reject(new Error(`engine exited ${code}: ${err}`)));
  });
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** Waits until `check` holds (polling), or fails after timeoutMs. */
async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

describe('crash safety', () => {
  const tmp = tempDir('risk-desk-crash-');
  const db = path.join(tmp.dir, 'desk.db');
  let smtp: TestSmtpServer;
  let engine: ChildProcess | null = null;

  beforeAll(async () => {
    smtp = await TestSmtpServer.open();
  });
  afterAll(async () => {
    if (engine) await kill(engine);
    await smtp.stop();
    tmp.cleanup();
  });

  it('SIGKILL between escalation steps: after each restart overdue steps fire once, every step mailed exactly once', { timeout: 120_000 }, async () => {
    // A first desk (notifier not started) sets up a fast rule and the real alert engine triggers
    // a CRITICAL breach: its hook writes step 0 to the outbox and the later steps as timers.
    const setup = Desk.open({ dbFile: db, demo: false, alertTickMs: 0, startNotify: false, notify: { env: {} } });
    setup.store.transaction(() => {
      setup.store.book.upsertPortfolio({ id: 'global_macro', name: 'Global Macro', nav: 5e7, currency: 'USD' });
      for (const [name, role] of [
        ['On call', 'on_call_risk'],
        ['Head', 'head_of_risk'],
        ['CRO', 'cro'],
      ]) {
        setup.store.contacts.create(ContactInput.parse({ name, role, email: `${role}@example.com` }), 'test');
      }
      // Steps at 0, 12 s and 24 s: minutes scaled down, but longer than an engine takes to start.
      const steps = ['on_call_risk', 'head_of_risk', 'cro'].map((role, i) => ({ level: role, delay_minutes: i * 0.2, recipients: [{ role }], channels: ['email' as const] }));
      setup.store.escalation.createRule(EscalationRuleInput.parse({ name: 'fast', severity: 'CRITICAL', steps }), 'test');
    });
    setup.alerts.createThreshold({ portfolio_id: 'global_macro', metric_type: 'var_99', threshold_value: -0.05, comparison_type: 'less_than', severity: 'CRITICAL' }, 'test');
    const t0 = Date.now();
    const pastStep = (i: number) => sleep(Math.max(0, t0 + i * 12_000 + 500 - Date.now()));
    setup.events.emit('metrics', { snapshot: snapshot('global_macro', { var_99: -0.061 }, false, t0) });
    expect(setup.alerts.openAlerts()).toMatchObject([{ id: 1, severity: 'CRITICAL' }]);
    await setup.close();
    const store = Store.open(db, systemClock);
    const sent = (to: string) => store.notifications.list({ limit: 100 }).items.some((r) => r.recipient === to && r.status === 'sent');

    engine = await startEngine(db, smtp.port);
    await until('step 0 sent', () => sent('on_call_risk@example.com'));
    await kill(engine); // between step 0 and step 1
    await pastStep(1); // step 1 falls due while the engine is dead
    engine = await startEngine(db, smtp.port);
    await until('step 1 sent', () => sent('head_of_risk@example.com'));
    await kill(engine); // between step 1 and step 2
    await pastStep(2);
    engine = await startEngine(db, smtp.port);
    await until('step 2 sent', () => sent('cro@example.com'));
    await sleep(500); // room for any duplicate to show up
    engine.kill('SIGTERM');
    await new Promise((r) => engine!.once('exit', r));
    engine = null;

    const perRecipient = new Map<string, number>();
    for (const m of smtp.mails) perRecipient.set(m.to[0], (perRecipient.get(m.to[0]) ?? 0) + 1);
    expect(Object.fromEntries(perRecipient)).toEqual({ 'on_call_risk@example.com': 1, 'head_of_risk@example.com': 1, 'cro@example.com': 1 });
    expect(new Set(smtp.mails.map((m) => m.key)).size).toBe(3);
    const timers = store.escalation.timersFor(1);
    expect(timers.map((t) => [t.stepIndex, t.status])).toEqual([
      [0, 'fired'],
      [1, 'fired'],
      [2, 'fired'],
    ]);
    store.close();
  });
});
