// Which engine event becomes a desktop notification, and what it says. Pure: the Electron
// adapter only shows what this returns.
import { type Alert, SEVERITY_RANK, type Severity } from '../../../shared/domain';
import type { DeskEvent } from '../../../shared/events';
import { valueAgainstLimit } from './format';
import { severityAtLeast } from './tray-state';

export interface DesktopAlertNotification {
  /** Deduplication key: the same key is shown once (e.g. an escalation step sent over several channels). */
  key: string;
  alertId: number;
  title: string;
  body: string;
  /** HIGH and CRITICAL stay on screen until dismissed and use the OS's critical urgency. */
  urgent: boolean;
  severity: Severity | null;
}

export interface NotificationPrefs {
  /** Alerts below this severity raise no desktop notification (escalations always do). */
  minSeverity: Severity;
}

export const DEFAULT_NOTIFICATION_PREFS: NotificationPrefs = { minSeverity: 'LOW' };

const isUrgent = (s: Severity) => SEVERITY_RANK[s] >= SEVERITY_RANK.HIGH;

function alertBody(alert: Alert): string {
  const lines = [valueAgainstLimit(alert)];
  if (alert.description) lines.push(alert.description);
  return lines.join('\n');
}

function forAlert(kind: 'new' | 'upgraded' | 'reopened' | 'flapping', alert: Alert, key: string): DesktopAlertNotification {
  const what = { new: '', upgraded: 'raised to ', reopened: 'reopened, ', flapping: 'flapping, ' }[kind];
  return {
    key,
    alertId: alert.id,
    title: `${what}${alert.severity} · ${alert.portfolio_id}`.replace(/^./, (c) => c.toUpperCase()),
    body: alertBody(alert),
    urgent: isUrgent(alert.severity),
    severity: alert.severity,
  };
}

/**
 * new_alert                              always (at or above minSeverity)
 * alert_updated, severity raised         "raised to CRITICAL"
 * alert_updated, ACKNOWLEDGED→TRIGGERED  "reopened" (the acknowledgement timed out while still breached)
 * alert_updated, became flapping         once, when the flag turns on
 * alert_updated otherwise                never: value changes, acknowledgements, resolutions are not news
 * escalation                             once per (alert, step), whatever the channel count
 * metrics, system                        never
 * `previous` is the alert as the shell held it before this event (undefined if unknown).
 */
export function notificationFor(event: DeskEvent, previous: Alert | undefined, prefs: NotificationPrefs = DEFAULT_NOTIFICATION_PREFS): DesktopAlertNotification | null {
  switch (event.type) {
    case 'new_alert': {
      const a = event.alert;
      if (!severityAtLeast(a.severity, prefs.minSeverity)) return null;
      return forAlert('new', a, `alert:${a.id}:new`);
    }
    case 'alert_updated': {
      const a = event.alert;
      if (a.status !== 'TRIGGERED' || !previous || !severityAtLeast(a.severity, prefs.minSeverity)) return null;
      if (SEVERITY_RANK[a.severity] > SEVERITY_RANK[previous.severity]) return forAlert('upgraded', a, `alert:${a.id}:severity:${a.severity}`);
      if (previous.status === 'ACKNOWLEDGED') return forAlert('reopened', a, `alert:${a.id}:reopened:${a.updated_at}`);
      if (a.flapping && !previous.flapping) return forAlert('flapping', a, `alert:${a.id}:flapping`);
      return null;
    }
    case 'escalation': {
      const who = event.recipients.length === 1 ? event.recipients[0] : `${event.recipients.length} recipients`;
      const known = previous ? `${previous.severity} · ` : '';
      return {
        key: `escalation:${event.alert_id}:${event.step}`,
        alertId: event.alert_id,
        title: `Escalated: ${known}${event.portfolio_id} (step ${event.step}, ${event.level})`,
        body: [previous ? valueAgainstLimit(previous) : `Alert #${event.alert_id}`, `Notified ${who} by ${event.channel}`].join('\n'),
        urgent: true,
        severity: previous?.severity ?? null,
      };
    }
    default:
      return null;
  }
}

/** Remembers shown keys for a while so repeats (several channels in one escalation step) show once. */
export class RecentKeys {
  private readonly seen = new Map<string, number>();
  constructor(private readonly ttlMs = 6 * 3600_000) {}

  /** True the first time a key is offered within the ttl. */
  firstTime(key: string, now: number): boolean {
    for (const [k, at] of this.seen) if (now - at > this.ttlMs) this.seen.delete(k);
    if (this.seen.has(key)) return false;
    this.seen.set(key, now);
    return true;
  }
}
