import { describe, expect, it } from 'vitest';
import type { DeskEvent } from '../../../shared/events';
import { ManualClock, silentLogger } from '../../core/ports';
import type { DesktopNotification } from '../../core/ports';
import { DeskWatcher, type NotificationPort, NotShown } from './desk-watcher';
import { makeAlert } from './test-alerts';
import type { TrayState } from './tray-state';

function setup(opts: { supported?: boolean; throws?: boolean } = {}) {
  const clock = new ManualClock(Date.parse('2026-03-10T16:20:00.000Z'));
  const shown: { message: DesktopNotification; click: () => void }[] = [];
  const trays: TrayState[] = [];
  const opened: (number | null)[] = [];
  const logs: string[] = [];
  const logger = { ...silentLogger, info: (_f: object, m: string) => void logs.push(m), warn: (_f: object, m: string) => void logs.push(m) };
  const notifier: NotificationPort = {
    isSupported: () => opts.supported ?? true,
    show: (message, click) => {
      if (opts.throws) throw new Error('dbus unavailable');
      shown.push({ message, click });
    },
  };
  const watcher = new DeskWatcher({ notifier, clock, logger, timeZone: 'Europe/London', onTrayChange: (s) => trays.push(s), onOpen: (id) => opened.push(id) });
  return { watcher, clock, shown, trays, opened, logs };
}

const newAlert = (a: ReturnType<typeof makeAlert>): DeskEvent => ({ type: 'new_alert', timestamp: a.updated_at, alert: a });
const critical: DesktopNotification = { title: 'CRITICAL · macro', body: 'VaR 99% -6.1% vs -5.0%', urgency: 'critical', alertId: 12 };

describe('DeskWatcher: tray', () => {
  it('starts grey, turns green once running, red on a HIGH alert, amber once acknowledged; repaints only on change', () => {
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

  it('starts from the loaded open alerts', () => {
    const { watcher } = setup();
    watcher.load([makeAlert({ severity: 'MEDIUM' }), makeAlert({ severity: 'LOW', status: 'ACKNOWLEDGED' })]);
    watcher.setHealth({ running: true, feed: 'live' });
    expect(watcher.tray).toMatchObject({ level: 'amber', tooltip: 'Risk Desk: 1 unacknowledged (1 MEDIUM); 1 acknowledged' });
  });

  it('follows the feed state from system events', () => {
    const { watcher } = setup();
    watcher.setHealth({ running: true });
    watcher.handle({ type: 'system', timestamp: '', level: 'warning', message: 'feed stale', feed: { kind: 'websocket', source: 'ws://x', state: 'stale', last_message_at: null, ticks_total: 0, dropped: {} } });
    expect(watcher.tray.level).toBe('grey');
  });
});

describe('DeskWatcher: desktop notifications', () => {
  it('shows a notification; its click opens the alert it is about, or the dashboard', async () => {
    const { watcher, shown, opened, logs } = setup();
    await watcher.desktopNotifier.show(critical);
    await watcher.desktopNotifier.show({ title: 'Test', body: 'test message', urgency: 'low' });
    expect(shown.map((s) => s.message.title)).toEqual(['CRITICAL · macro', 'Test']);
    shown[0].click();
    shown[1].click();
    expect(opened).toEqual([12, null]);
    expect(logs).toContain('desktop notification handed to the OS (best effort: delivery not confirmed)');
  });

  it('a mute suppresses notifications until it ends, telling the notification service why', async () => {
    const { watcher, clock, shown, trays, logs } = setup();
    const before = trays.length;
    const until = watcher.mute('15m');
    expect(trays.length).toBe(before + 1);
    expect(watcher.muteEnds).toBe(until);
    await expect(watcher.desktopNotifier.show(critical)).rejects.toThrow(new NotShown('muted from the tray until 16:35'));
    expect(logs).toContain('desktop notification suppressed: muted');
    clock.set(until);
    expect(watcher.muteEnds).toBeNull();
    await watcher.desktopNotifier.show(critical);
    expect(shown).toHaveLength(1);
  });

  it('"until tomorrow" lasts to local midnight; unmute ends it at once', () => {
    const { watcher, clock } = setup();
    expect(new Date(watcher.mute('tomorrow')).toISOString()).toBe('2026-03-11T00:00:00.000Z');
    clock.advance(3600_000);
    expect(watcher.deliver(critical)).toEqual({ shown: false, reason: 'muted from the tray until Wed 00:00' });
    watcher.unmute();
    expect(watcher.deliver(critical)).toEqual({ shown: true });
  });

  it('is best effort: unsupported or failing notifiers are logged and reported, never thrown from deliver', () => {
    const a = setup({ supported: false });
    expect(a.watcher.deliver(critical)).toEqual({ shown: false, reason: 'notifications are not supported on this system' });
    expect(a.logs).toContain('desktop notification not shown: notifications unsupported here (best effort)');
    const b = setup({ throws: true });
    expect(b.watcher.deliver(critical)).toEqual({ shown: false, reason: 'dbus unavailable' });
  });
});
