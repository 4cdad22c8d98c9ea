// What the shell does with the engine's events: keeps the open alerts, the tray state and
// the mute window, and decides which desktop notifications to show. Electron-free: the
// notifier is a port and time comes from the engine's Clock.
import type { Alert } from '../../../shared/domain';
import type { DeskEvent } from '../../../shared/events';
import type { Clock, Logger } from '../../core/ports';
import { isMuted, type MuteChoice, muteUntil } from './mute';
import { type DesktopAlertNotification, DEFAULT_NOTIFICATION_PREFS, type NotificationPrefs, notificationFor, RecentKeys } from './notifications';
import { type EngineHealth, OpenAlerts, trayState, type TrayState } from './tray-state';

/** Shows one notification; calls onClick when the user clicks it. Best effort: may silently not show. */
export interface NotificationPort {
  isSupported(): boolean;
  show(notification: DesktopAlertNotification, onClick: () => void): void;
}

export interface DeskWatcherOptions {
  notifier: NotificationPort;
  clock: Clock;
  logger: Logger;
  timeZone: string;
  prefs?: NotificationPrefs;
  /** The tray repaints from this (called only when the state changed). */
  onTrayChange(state: TrayState): void;
  /** A notification was clicked: bring the window up on this alert. */
  onOpenAlert(alertId: number): void;
}

export type DeliveryOutcome = 'shown' | 'muted' | 'duplicate' | 'unsupported' | 'failed';

export class DeskWatcher {
  private readonly alerts = new OpenAlerts();
  private readonly recent = new RecentKeys();
  private health: EngineHealth = { running: false, feed: null };
  private mutedUntil: number | null = null;
  private last: TrayState | null = null;

  constructor(private readonly opts: DeskWatcherOptions) {
    this.repaint();
  }

  get tray(): TrayState {
    return this.last!;
  }

  get muteEnds(): number | null {
    return isMuted(this.mutedUntil, this.opts.clock.now()) ? this.mutedUntil : null;
  }

  /** The open alerts from the store (at start and after a reconnect). */
  load(alerts: Iterable<Alert>): void {
    this.alerts.load(alerts);
    this.repaint();
  }

  setHealth(health: Partial<EngineHealth>): void {
    this.health = { ...this.health, ...health };
    this.repaint();
  }

  mute(choice: MuteChoice): number {
    this.mutedUntil = muteUntil(choice, this.opts.clock.now(), this.opts.timeZone);
    this.opts.logger.info({ until: new Date(this.mutedUntil).toISOString(), choice }, 'desktop notifications muted');
    this.repaint(true);
    return this.mutedUntil;
  }

  unmute(): void {
    this.mutedUntil = null;
    this.opts.logger.info({}, 'desktop notifications unmuted');
    this.repaint(true);
  }

  /** One engine event: update the alerts and the tray, maybe notify. Returns what happened to a notification, or null if none was due. */
  handle(event: DeskEvent): DeliveryOutcome | null {
    let previous: Alert | undefined;
    if (event.type === 'system' && event.feed) this.setHealth({ feed: event.feed.state });
    const applied = this.alerts.apply(event);
    if (applied) {
      previous = applied.previous;
      this.repaint();
    } else if (event.type === 'escalation') {
      previous = this.alerts.get(event.alert_id);
    }
    const n = notificationFor(event, previous, this.opts.prefs ?? DEFAULT_NOTIFICATION_PREFS);
    return n ? this.deliver(n) : null;
  }

  private deliver(n: DesktopAlertNotification): DeliveryOutcome {
    const now = this.opts.clock.now();
    const log = this.opts.logger;
    const fields = { key: n.key, alertId: n.alertId, severity: n.severity };
    if (isMuted(this.mutedUntil, now)) {
      log.info({ ...fields, mutedUntil: new Date(this.mutedUntil!).toISOString() }, 'desktop notification suppressed: muted');
      return 'muted';
    }
    if (!this.recent.firstTime(n.key, now)) return 'duplicate';
    if (!this.opts.notifier.isSupported()) {
      log.warn(fields, 'desktop notification not shown: notifications unsupported here (best effort)');
      return 'unsupported';
    }
    try {
      this.opts.notifier.show(n, () => this.opts.onOpenAlert(n.alertId));
      log.info(fields, 'desktop notification handed to the OS (best effort: delivery not confirmed)');
      return 'shown';
    } catch (err) {
      log.warn({ ...fields, err: err instanceof Error ? err.message : String(err) }, 'desktop notification failed (best effort)');
      return 'failed';
    }
  }

  private repaint(force = false): void {
    const next = trayState(this.alerts.values(), this.health);
    const changed = !this.last || next.level !== this.last.level || next.tooltip !== this.last.tooltip;
    this.last = next;
    if (changed || force) this.opts.onTrayChange(next);
  }
}
