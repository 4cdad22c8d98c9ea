import { describe, expect, it } from 'vitest';
import type { DeskEvent } from '../../../shared/events';
import { ManualClock, silentLogger } from '../../core/ports';
import { DeskWatcher, type NotificationPort } from './desk-watcher';
import type { DesktopAlertNotification } from './notifications';
import { makeAlert } from './test-alerts';
import type { TrayState } from './tray-state';

function setup(opts: { supported?: boolean; throws?: boolean } = {}) {
  const clock = new ManualClock(Date.parse('2026-03-10T16:20:00.000Z'));
  const shown: { n: DesktopAlertNotification; click: () => void }[] = [];
  const trays: TrayState[] = [];
  const opened: number[] = [];
  const logs: string[] = [];
  const logger = { ...silentLogger, info: (_f: object, m: string) => void logs.push(m), warn: (_f: object, m: string) => void logs.push(m) };
  const notifier: NotificationPort = {
    isSupported: () => opts.supported ?? true,
    show: (n, click) => {
      if (opts.throws) throw new Error('dbus unavailable');
      shown.push({ n, click });
    },
  };
  const watcher = new DeskWatcher({ notifier, clock, logger, timeZone: 'Europe/London', onTrayChange: (s) => trays.push(s), onOpenAlert: (id) => opened.push(id) });
  return { watcher, clock, shown, trays, opened, logs };
}

const newAlert = (a: ReturnType<typeof makeAlert>): DeskEvent => ({ type: 'new_alert', timestamp: a.updated_at, alert: a });

describe('DeskWatcher', () => {
  it('starts grey, turns green once running, red on a HIGH alert, and repaints only on change', () => {
    const { watcher, trays } = setup();
    expect(trays.map((t) => t.level)).toEqual(['grey']);
    watcher.setHealth({ running: true });
    watcher.setHealth({ running: true });
    const a = makeAlert({ severity: 'HIGH' });
    watcher.handle(newAlert(a));
    expect(trays.map((t) => t.level)).toEqual(['grey', 'green', 'red']);
    watcher.handle({ type: 'alert_updated', timestamp: '', alert: { ...a, status: 'ACKNOWLEDGED', updated_at: '2026-03-10T16:21:00.000Z' } });
    expect(watcher.tray.level).toBe('amber');
  });

  it('follows the feed state from system events', () => {
    const { watcher } = setup();
    watcher.setHealth({ running: true });
    watcher.handle({ type: 'system', timestamp: '', level: 'warning', message: 'feed stale', feed: { kind: 'websocket', source: 'ws://x', state: 'stale', last_message_at: null, ticks_total: 0, dropped: {} } });
    expect(watcher.tray.level).toBe('grey');
  });

  it('shows a notification for a new alert, and its click opens that alert', () => {
    const { watcher, shown, opened, logs } = setup();
    const a = makeAlert({ severity: 'CRITICAL' });
    expect(watcher.handle(newAlert(a))).toBe('shown');
    expect(shown[0].n.title).toBe(`CRITICAL · ${a.portfolio_id}`);
    shown[0].click();
    expect(opened).toEqual([a.id]);
    expect(logs).toContain('desktop notification handed to the OS (best effort: delivery not confirmed)');
  });

  it('loaded alerts are known, so an upgrade of one is announced', () => {
    const { watcher, shown } = setup();
    const a = makeAlert({ severity: 'MEDIUM' });
    watcher.load([a]);
    expect(watcher.tray.counts.triggered.MEDIUM).toBe(1);
    watcher.handle({ type: 'alert_updated', timestamp: '', alert: { ...a, severity: 'HIGH', updated_at: '2026-03-10T16:30:00.000Z' } });
    expect(shown.map((s) => s.n.title)).toEqual([`Raised to HIGH · ${a.portfolio_id}`]);
  });

  it('one escalation step sent over several channels shows once', () => {
    const { watcher, shown } = setup();
    const esc = (channel: string): DeskEvent => ({ type: 'escalation', timestamp: '', alert_id: 5, portfolio_id: 'p1', step: 1, level: 'on-call', channel, recipients: ['a'] });
    expect(watcher.handle(esc('email'))).toBe('shown');
    expect(watcher.handle(esc('sms'))).toBe('duplicate');
    expect(shown).toHaveLength(1);
  });

  it('a mute suppresses notifications until it ends, logged, and the tray repaints to show it', () => {
    const { watcher, clock, shown, trays, logs } = setup();
    const before = trays.length;
    const until = watcher.mute('15m');
    expect(trays.length).toBe(before + 1);
    expect(watcher.muteEnds).toBe(until);
    expect(watcher.handle(newAlert(makeAlert()))).toBe('muted');
    expect(logs).toContain('desktop notification suppressed: muted');
    clock.set(until);
    expect(watcher.muteEnds).toBeNull();
    expect(watcher.handle(newAlert(makeAlert()))).toBe('shown');
    expect(shown).toHaveLength(1);
  });

  it('"until tomorrow" lasts to local midnight; unmute ends it at once', () => {
    const { watcher, clock } = setup();
    expect(new Date(watcher.mute('tomorrow')).toISOString()).toBe('2026-03-11T00:00:00.000Z');
    clock.advance(3600_000);
    expect(watcher.handle(newAlert(makeAlert()))).toBe('muted');
    watcher.unmute();
    expect(watcher.handle(newAlert(makeAlert()))).toBe('shown');
  });

  it('is best effort: unsupported or failing notifiers are logged, never thrown', () => {
    const a = setup({ supported: false });
    expect(a.watcher.handle(newAlert(makeAlert()))).toBe('unsupported');
    expect(a.logs).toContain('desktop notification not shown: notifications unsupported here (best effort)');
    const b = setup({ throws: true });
    expect(b.watcher.handle(newAlert(makeAlert()))).toBe('failed');
    expect(b.watcher.tray.level).toBe('red');
  });

  it('metrics events notify nothing', () => {
    const { watcher } = setup();
    expect(watcher.handle({ type: 'risk_metrics_update', timestamp: '', portfolio_id: 'p1', metrics: {} as never })).toBeNull();
  });
});
