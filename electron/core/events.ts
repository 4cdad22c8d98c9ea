// The engine's internal event bus. The monitor publishes metrics, cycles and feed state; the
// alert engine consumes metrics and publishes alert events; notifications, the API and the
// Electron shell subscribe. Listeners run synchronously in publish order, so a listener that
// throws is isolated (logged) rather than breaking the publisher's loop.
import type { Alert } from '../../shared/domain';
import type { ConfigKind, DeskEvent, FeedStatus } from '../../shared/events';
import type { RiskSnapshot } from '../../shared/metrics';
import type { Logger } from './ports';
import { silentLogger } from './ports';

export interface EngineEvents {
  /** A portfolio's figures changed (tick, cycle, position change). */
  metrics: { snapshot: RiskSnapshot };
  /** A full refresh cycle finished (snapshots persisted). */
  cycle: { at: string; durationMs: number; portfolios: number };
  feed: FeedStatus;
  new_alert: { alert: Alert };
  alert_updated: { alert: Alert };
  escalation: { alertId: number; portfolioId: string; step: number; level: string; channel: string; recipients: string[]; at: string };
  system: { level: 'info' | 'warning' | 'error'; message: string; at: string };
  /** Configuration changed and committed (announced from the audit trail, see Desk). */
  config_changed: { kind: ConfigKind; ids: (number | string)[]; actor: string; at: string };
}

export type EngineEventName = keyof EngineEvents;

/** The engine events clients see (as toDeskEvent shapes them): both transports forward exactly these. */
export const CLIENT_EVENT_NAMES: readonly EngineEventName[] = ['metrics', 'cycle', 'feed', 'new_alert', 'alert_updated', 'escalation', 'system', 'config_changed'];
type Listener<K extends EngineEventName> = (payload: EngineEvents[K]) => void;

export class EventBus {
  private readonly listeners: { [K in EngineEventName]?: Set<Listener<K>> } = {};

  constructor(private readonly logger: Logger = silentLogger) {}

  on<K extends EngineEventName>(name: K, listener: Listener<K>): () => void {
    let set = this.listeners[name] as Set<Listener<K>> | undefined;
    if (!set) (this.listeners as Record<string, unknown>)[name] = set = new Set();
    set.add(listener);
    return () => set!.delete(listener);
  }

  emit<K extends EngineEventName>(name: K, payload: EngineEvents[K]): void {
    const set = this.listeners[name] as Set<Listener<K>> | undefined;
    if (!set) return;
    for (const l of set) {
      try {
        l(payload);
      } catch (err) {
        this.logger.error({ event: name, err }, 'event listener failed');
      }
    }
  }
}

/** The client-facing form of an engine event (WebSocket and IPC), or null for internal-only events. */
export function toDeskEvent<K extends EngineEventName>(name: K, payload: EngineEvents[K]): DeskEvent | null {
  switch (name) {
    case 'metrics': {
      const { snapshot } = payload as EngineEvents['metrics'];
      return { type: 'risk_metrics_update', timestamp: snapshot.timestamp, portfolio_id: snapshot.portfolio_id, metrics: snapshot };
    }
    case 'new_alert':
      return { type: 'new_alert', timestamp: (payload as EngineEvents['new_alert']).alert.updated_at, alert: (payload as EngineEvents['new_alert']).alert };
    case 'alert_updated':
      return { type: 'alert_updated', timestamp: (payload as EngineEvents['alert_updated']).alert.updated_at, alert: (payload as EngineEvents['alert_updated']).alert };
    case 'escalation': {
      const e = payload as EngineEvents['escalation'];
      return { type: 'escalation', timestamp: e.at, alert_id: e.alertId, portfolio_id: e.portfolioId, step: e.step, level: e.level, channel: e.channel, recipients: e.recipients };
    }
    case 'system': {
      const e = payload as EngineEvents['system'];
      return { type: 'system', timestamp: e.at, level: e.level, message: e.message };
    }
    case 'feed': {
      const f = payload as EngineEvents['feed'];
      return { type: 'system', timestamp: f.last_message_at ?? new Date().toISOString(), level: f.state === 'live' ? 'info' : 'warning', message: `feed ${f.state}`, feed: f };
    }
    case 'cycle': {
      const c = payload as EngineEvents['cycle'];
      return { type: 'system', timestamp: c.at, level: 'info', message: 'cycle done', cycle: { duration_ms: c.durationMs, portfolios: c.portfolios } };
    }
    case 'config_changed': {
      const c = payload as EngineEvents['config_changed'];
      return { type: 'config_changed', timestamp: c.at, kind: c.kind, ids: c.ids, actor: c.actor };
    }
    default:
      return null;
  }
}
