// An alert's story in order: when it fired, who was told, escalation steps, acknowledgements,
// resolution.
import type { Alert } from '../../../shared/domain';
import type { EscalationNotice } from './store';

export interface TimelineEntry {
  at: string;
  kind: 'trigger' | 'notify' | 'escalation' | 'ack' | 'resolve' | 'update';
  text: string;
  who?: string;
}

export function alertTimeline(a: Alert, escalations: readonly EscalationNotice[] = []): TimelineEntry[] {
  const out: TimelineEntry[] = [{ at: a.triggered_at, kind: 'trigger', text: `Triggered (${a.severity})${a.previous_alert_id ? `, re-opening #${a.previous_alert_id}` : ''}` }];
  for (const e of escalations) {
    out.push({ at: e.timestamp, kind: 'escalation', text: `Escalation step ${e.step} (${e.level}) by ${e.channel} to ${e.recipients.join(', ') || 'nobody'}` });
  }
  if (a.acknowledged_at) out.push({ at: a.acknowledged_at, kind: 'ack', text: 'Acknowledged', who: a.acknowledged_by ?? undefined });
  if (a.resolved_at) out.push({ at: a.resolved_at, kind: 'resolve', text: `Resolved${a.resolution ? `: ${a.resolution}` : ''}`, who: a.resolved_by ?? undefined });
  return out.sort((x, y) => x.at.localeCompare(y.at));
}
