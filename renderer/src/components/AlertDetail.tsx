// One alert: its figures, its timeline, and the actions a risk manager takes.
import { useEffect, useState } from 'react';
import type { AlertTimelineEntry } from '../../../shared/alerts';
import type { Alert } from '../../../shared/domain';
import { useCan, useDesk, useDeskContext } from '../context';
import { formatDateTime, formatDuration } from '../format';
import { breachText, metricLabel, metricValue } from '../state/alerts';
import { SeverityTag } from './Light';

const NO_STEPS: never[] = [];

/** The CSS class of a timeline entry's dot. */
export function timelineClass(e: Pick<AlertTimelineEntry, 'kind' | 'source'>): string {
  if (e.kind === 'triggered' || e.kind === 'reopened' || e.kind === 'upgraded' || e.kind === 'flapping') return 'trigger';
  if (e.kind === 'acknowledged') return 'ack';
  if (e.kind === 'resolved') return 'resolve';
  if (e.source === 'escalation' || e.kind === 'escalation') return 'escalation';
  if (e.source === 'notify' || e.kind === 'notification') return 'notify';
  return 'update';
}

/**
 * The alert's history from the engine (lifecycle, acknowledgements with their comments,
 * notifications, escalation steps), read again whenever the alert changes or an escalation step
 * for it is pushed.
 */
function useTimeline(alert: Alert): { entries: AlertTimelineEntry[] | null; error: string | null } {
  const { model } = useDeskContext();
  const steps = useDesk((s) => s.escalations[alert.id] ?? NO_STEPS);
  const [state, setState] = useState<{ entries: AlertTimelineEntry[] | null; error: string | null }>({ entries: null, error: null });
  useEffect(() => {
    let cancelled = false;
    model.client
      .call('alerts.timeline', { id: alert.id })
      .then((entries) => !cancelled && setState({ entries, error: null }))
      .catch((err: unknown) => !cancelled && setState((s) => ({ entries: s.entries, error: err instanceof Error ? err.message : String(err) })));
    return () => {
      cancelled = true;
    };
  }, [model, alert.id, alert.updated_at, steps.length]);
  return state;
}

export function AlertDetail({ alert }: { alert: Alert }) {
  const { ui } = useDeskContext();
  const portfolio = useDesk((s) => s.portfolios[alert.portfolio_id]);
  const canAck = useCan('alerts.acknowledge');
  const canResolve = useCan('alerts.resolve');
  const currency = portfolio?.currency;
  const open = alert.status !== 'RESOLVED';
  const timeline = useTimeline(alert);
  const end = alert.resolved_at ? Date.parse(alert.resolved_at) : Date.now();
  return (
    <div className="detail" aria-label={`Alert ${alert.id}`}>
      <div style={{ display: 'flex', alignItems: 'center', gap: '0.6rem', marginBottom: '0.6rem' }}>
        <SeverityTag severity={alert.severity} />
        <strong>
          #{alert.id} {portfolio?.name ?? alert.portfolio_id} · {metricLabel(alert.metric_type)}
        </strong>
        <span className={`status ${alert.status}`}>{alert.status}</span>
        <span style={{ marginLeft: 'auto', display: 'flex', gap: '0.4rem' }}>
          {alert.status === 'TRIGGERED' && canAck && (
            <button type="button" onClick={() => ui.setState({ dialog: { kind: 'acknowledge', alertId: alert.id } })}>
              Acknowledge <kbd>a</kbd>
            </button>
          )}
          {open && canResolve && (
            <button type="button" onClick={() => ui.setState({ dialog: { kind: 'resolve', alertId: alert.id } })}>
              Resolve <kbd>r</kbd>
            </button>
          )}
        </span>
      </div>
      <dl>
        <dt>Breach</dt>
        <dd className="num" style={{ textAlign: 'left' }}>
          {breachText(alert, currency)}
        </dd>
        <dt>Worst</dt>
        <dd>{metricValue(alert.metric_type, alert.worst_value, currency)}</dd>
        <dt>Breaches counted</dt>
        <dd>
          {alert.breach_count}
          {alert.flapping && ' · flapping'}
        </dd>
        <dt>Description</dt>
        <dd>{alert.description || '—'}</dd>
        <dt>{open ? 'Open for' : 'Was open'}</dt>
        <dd>{formatDuration(end - Date.parse(alert.triggered_at))}</dd>
      </dl>
      <h4 style={{ margin: '0 0 0.4rem' }}>Timeline</h4>
      {timeline.error && <div className="error-text">Could not load the timeline: {timeline.error}</div>}
      {timeline.entries === null && !timeline.error && <div className="muted">Loading…</div>}
      {timeline.entries && (
        <ol className="timeline" aria-label="Timeline">
          {timeline.entries.map((e, i) => (
            // A scheduled escalation step lies ahead: shown, but dimmed.
            <li key={i} className={timelineClass(e)} data-kind={e.kind} style={e.at > new Date().toISOString() ? { opacity: 0.55 } : undefined}>
              <div className="when">
                {formatDateTime(e.at)} · {e.source}
              </div>
              <div>
                {e.summary}
                {e.actor && e.actor !== 'system' && <span className="muted"> · {e.actor}</span>}
              </div>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
