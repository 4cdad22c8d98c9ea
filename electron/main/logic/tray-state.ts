// The tray's colour and tooltip, from the open alerts and the engine's health. Pure: the tray
// adapter only paints what this decides.
import { type Alert, SEVERITY_RANK, type Severity } from '../../../shared/domain';
import type { DeskEvent, FeedState } from '../../../shared/events';

export type TrayLevel = 'green' | 'amber' | 'red' | 'grey';
export const TRAY_LEVELS: readonly TrayLevel[] = ['green', 'amber', 'red', 'grey'];

export interface EngineHealth {
  /** False until the desk is open, and after it failed or closed. */
  running: boolean;
  /** The market-data feed's state; null when no feed has reported yet. */
  feed: FeedState | null;
}

export interface TrayState {
  level: TrayLevel;
  tooltip: string;
  counts: { triggered: Record<Severity, number>; acknowledged: number };
}

/** Windows truncates tray tooltips at 127 characters; keep the whole sentence readable everywhere. */
export const TOOLTIP_MAX = 127;

const isUntrustedFeed = (feed: FeedState | null) => feed === 'stale' || feed === 'stopped';

/**
 * red   an unacknowledged HIGH or CRITICAL alert: someone must act;
 * grey  the engine is not running or the feed is stale/stopped, so "all clear" can't be claimed;
 * amber any other open alert (unacknowledged LOW/MEDIUM, or acknowledged and still breached);
 * green no open alert on live data.
 * Red wins over grey: a breach already raised needs action even if the figures have since gone stale.
 */
export function trayState(openAlerts: Iterable<Alert>, health: EngineHealth): TrayState {
  const triggered: Record<Severity, number> = { LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 0 };
  let acknowledged = 0;
  for (const a of openAlerts) {
    if (a.status === 'TRIGGERED') triggered[a.severity]++;
    else if (a.status === 'ACKNOWLEDGED') acknowledged++;
  }
  const urgent = triggered.CRITICAL + triggered.HIGH;
  const unacked = urgent + triggered.MEDIUM + triggered.LOW;
  const degraded = !health.running || isUntrustedFeed(health.feed);
  const level: TrayLevel = urgent > 0 ? 'red' : degraded ? 'grey' : unacked + acknowledged > 0 ? 'amber' : 'green';

  const parts: string[] = [];
  if (!health.running) parts.push('engine not running');
  else if (isUntrustedFeed(health.feed)) parts.push(`feed ${health.feed}`);
  if (unacked === 0 && acknowledged === 0) parts.push('no open alerts');
  else {
    if (unacked > 0) {
      const bySeverity = (['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const).filter((s) => triggered[s] > 0).map((s) => `${triggered[s]} ${s}`);
      parts.push(`${unacked} unacknowledged (${bySeverity.join(', ')})`);
    }
    if (acknowledged > 0) parts.push(`${acknowledged} acknowledged`);
  }
  let tooltip = `Risk Desk: ${parts.join('; ')}`;
  if (tooltip.length > TOOLTIP_MAX) tooltip = `${tooltip.slice(0, TOOLTIP_MAX - 1)}…`;
  return { level, tooltip, counts: { triggered, acknowledged } };
}

/**
 * The open alerts as the shell knows them: loaded once, then kept current from the engine's
 * events. Remembers each alert's previous form so notifications can tell an upgrade from an update.
 */
export class OpenAlerts {
  private readonly byId = new Map<number, Alert>();

  load(alerts: Iterable<Alert>): void {
    for (const a of alerts) if (a.status !== 'RESOLVED') this.byId.set(a.id, a);
  }

  get(id: number): Alert | undefined {
    return this.byId.get(id);
  }

  values(): IterableIterator<Alert> {
    return this.byId.values();
  }

  get size(): number {
    return this.byId.size;
  }

  /** Applies an alert event; returns the alert as it was before (undefined if unknown), or null if the event is not about an alert. */
  apply(event: DeskEvent): { previous: Alert | undefined } | null {
    if (event.type !== 'new_alert' && event.type !== 'alert_updated') return null;
    const previous = this.byId.get(event.alert.id);
    // An event older than what we hold (a reload raced the live stream) must not roll state back.
    if (previous && previous.updated_at > event.alert.updated_at) return { previous };
    if (event.alert.status === 'RESOLVED') this.byId.delete(event.alert.id);
    else this.byId.set(event.alert.id, event.alert);
    return { previous };
  }
}

export const severityAtLeast = (s: Severity, min: Severity) => SEVERITY_RANK[s] >= SEVERITY_RANK[min];
