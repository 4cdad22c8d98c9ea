// What the shell does with the desk: keeps the open alerts and the tray state from the engine's
// events, holds the mute window, and shows desktop notifications. Electron-free: the native
// notifier is a port and time comes from the engine's Clock.
//
// Which alert, escalation or resolution deserves a desktop notification is the notification
// service's decision (electron/core/notify: escalation rules, silences, templates, rate limits,
// the delivery log); the shell is its DesktopNotifier and decides only how one is shown.
import type { Alert } from '../../../shared/domain';
import type { DeskEvent } from '../../../shared/events';
import type { Clock, DesktopNotification, DesktopNotifier, Logger } from '../../core/ports';
import { isMuted, muteLabel, type MuteChoice, muteUntil } from './mute';
import { type EngineHealth, OpenAlerts, trayState, type TrayState } from './tray-state';

/** Shows one native notification; calls onClick when the user clicks it. */
export interface NotificationPort {
  isSupported(): boolean;
  show(message: DesktopNotification, onClick: () => void): void;
}

export interface DeskWatcherOptions {
  notifier: NotificationPort;
  clock: Clock;
  logger: Logger;
  timeZone: string;
  /** The tray repaints from this (called when the state or the mute changed). */
  onTrayChange(state: TrayState): void;
  /** A notification was clicked: bring the window up, on the alert when there is one. */
  onOpen(alertId: number | null): void;
}

export type DeliveryOutcome = { shown: true } | { shown: false; reason: string };

/** Thrown to the notification service when a notification was not shown; it logs the delivery as failed (best effort). */
export class NotShown extends Error {
  constructor(reason: string) {
    super(`desktop notification not shown: ${reason}`);
    this.name = 'NotShown';
  }
}

export class DeskWatcher {
  private readonly alerts = new OpenAlerts();
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

  /** The open alerts from the store (at start). */
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

  /** One engine event: keeps the open alerts, the feed state and so the tray current. */
  handle(event: DeskEvent): void {
    if (event.type === 'system' && event.feed) this.setHealth({ feed: event.feed.state });
    if (this.alerts.apply(event)) this.repaint();
  }

  /** Shows a notification unless muted or unsupported. Never throws: desktop delivery is best effort. */
  deliver(message: DesktopNotification): DeliveryOutcome {
    const now = this.opts.clock.now();
    const log = this.opts.logger;
    const fields = { alertId: message.alertId ?? null, urgency: message.urgency };
    if (isMuted(this.mutedUntil, now)) {
      const reason = `muted from the tray until ${muteLabel(this.mutedUntil, now, this.opts.timeZone)!.slice('Muted until '.length)}`;
      log.info({ ...fields, mutedUntil: new Date(this.mutedUntil!).toISOString() }, 'desktop notification suppressed: muted');
      return { shown: false, reason };
    }
    if (!this.opts.notifier.isSupported()) {
      log.warn(fields, 'desktop notification not shown: notifications unsupported here (best effort)');
      return { shown: false, reason: 'notifications are not supported on this system' };
    }
    try {
      this.opts.notifier.show(message, () => this.opts.onOpen(message.alertId ?? null));
      log.info(fields, 'desktop notification handed to the OS (best effort: delivery not confirmed)');
      return { shown: true };
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      log.warn({ ...fields, err: reason }, 'desktop notification failed (best effort)');
      return { shown: false, reason };
    }
  }

  /** The notification service's DesktopNotifier: resolves when shown, rejects (logged there as failed) when not. */
  readonly desktopNotifier: DesktopNotifier = {
    show: async (message: DesktopNotification): Promise<void> => {
      const outcome = this.deliver(message);
      if (!outcome.shown) throw new NotShown(outcome.reason);
    },
  };

  private repaint(force = false): void {
    const next = trayState(this.alerts.values(), this.health);
    const changed = !this.last || next.level !== this.last.level || next.tooltip !== this.last.tooltip;
    this.last = next;
    if (changed || force) this.opts.onTrayChange(next);
  }
}
