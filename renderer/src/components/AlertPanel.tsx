// The live alert panel beside the desk grid: open alerts, those needing action first.
import { useMemo } from 'react';
import type { Alert } from '../../../shared/domain';
import { useCan, useDesk, useDeskContext, useUi } from '../context';
import { formatTime } from '../format';
import { breachText, compareAlerts, metricLabel } from '../state/alerts';
import { isOpen } from '../state/board';
import type { DeskModel } from '../state/store';
import { useShortcuts } from '../shortcuts';
import { SeverityTag } from './Light';

export function useOpenAlerts(): Alert[] {
  const alerts = useDesk((s) => s.alerts);
  return useMemo(() => Object.values(alerts).filter(isOpen).sort(compareAlerts), [alerts]);
}

export function AlertPanel(_: { model: DeskModel }) {
  const { ui } = useDeskContext();
  const open = useOpenAlerts();
  const portfolios = useDesk((s) => s.portfolios);
  const selected = useUi((s) => s.selectedAlert);
  const blocked = useUi((s) => s.dialog !== null || s.helpOpen);
  const canAck = useCan('alerts.acknowledge');
  const canResolve = useCan('alerts.resolve');

  const move = (delta: number) => {
    if (!open.length) return;
    const i = open.findIndex((a) => a.id === selected);
    const next = i < 0 ? (delta > 0 ? 0 : open.length - 1) : Math.max(0, Math.min(open.length - 1, i + delta));
    ui.setState({ selectedAlert: open[next].id });
    document.querySelector(`[data-alert-id="${open[next].id}"]`)?.scrollIntoView({ block: 'nearest' });
  };
  useShortcuts({ J: () => move(1), K: () => move(-1) }, () => blocked);

  const unacked = open.filter((a) => a.status === 'TRIGGERED').length;
  return (
    <aside className="panel" aria-label="Live alerts">
      <div className="panel-head">
        Live alerts
        <span className={`badge${unacked ? ' hot' : ''}`} title="unacknowledged">
          {unacked}
        </span>
        <span className="muted" style={{ fontWeight: 400 }}>
          of {open.length} open
        </span>
      </div>
      <div className="panel-body alert-list" role="listbox" aria-label="Open alerts">
        {open.length === 0 && <div className="empty">No open alerts.</div>}
        {open.map((a) => {
          const p = portfolios[a.portfolio_id];
          return (
            <div
              key={a.id}
              role="option"
              aria-selected={a.id === selected}
              data-alert-id={a.id}
              data-portfolio-id={a.portfolio_id}
              data-status={a.status}
              className="alert-item"
              onClick={() => ui.setState({ selectedAlert: a.id, selectedPortfolio: a.portfolio_id })}
            >
              <SeverityTag severity={a.severity} />
              <span className="what" title={a.description}>
                <strong>{p?.name ?? a.portfolio_id}</strong> · {metricLabel(a.metric_type)}
              </span>
              <span className="num muted">{formatTime(a.triggered_at)}</span>
              <span className={`status ${a.status}`}>{a.status === 'TRIGGERED' ? 'NEW' : 'ACK'}</span>
              <span className="num" style={{ textAlign: 'left' }}>
                {breachText(a, p?.currency)}
                {a.flapping && <span className="muted"> · flapping</span>}
                {a.acknowledged_by && <span className="muted"> · {a.acknowledged_by}</span>}
              </span>
              <span />
              <span className="actions">
                {a.status === 'TRIGGERED' && canAck && (
                  <button type="button" onClick={(e) => (e.stopPropagation(), ui.setState({ selectedAlert: a.id, dialog: { kind: 'acknowledge', alertId: a.id } }))}>
                    Acknowledge
                  </button>
                )}
                {canResolve && (
                  <button type="button" onClick={(e) => (e.stopPropagation(), ui.setState({ selectedAlert: a.id, dialog: { kind: 'resolve', alertId: a.id } }))}>
                    Resolve
                  </button>
                )}
              </span>
            </div>
          );
        })}
      </div>
    </aside>
  );
}
