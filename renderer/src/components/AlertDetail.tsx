// One alert: its figures, its timeline, and the actions a risk manager takes.
import type { Alert } from '../../../shared/domain';
import { useCan, useDesk, useDeskContext } from '../context';
import { formatDateTime, formatDuration } from '../format';
import { breachText, metricLabel, metricValue } from '../state/alerts';
import { alertTimeline } from '../state/timeline';
import { SeverityTag } from './Light';

const EMPTY: never[] = [];

export function AlertDetail({ alert }: { alert: Alert }) {
  const { ui } = useDeskContext();
  const portfolio = useDesk((s) => s.portfolios[alert.portfolio_id]);
  const escalations = useDesk((s) => s.escalations[alert.id] ?? EMPTY);
  const canAck = useCan('alerts.acknowledge');
  const canResolve = useCan('alerts.resolve');
  const currency = portfolio?.currency;
  const open = alert.status !== 'RESOLVED';
  const timeline = alertTimeline(alert, escalations);
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
      <ol className="timeline" aria-label="Timeline">
        {timeline.map((e, i) => (
          <li key={i} className={e.kind}>
            <div className="when">{formatDateTime(e.at)}</div>
            <div>
              {e.text}
              {e.who && <span className="muted"> · {e.who}</span>}
            </div>
          </li>
        ))}
      </ol>
    </div>
  );
}
