// Acknowledge (with a comment) or resolve (with a reason) one alert.
import { useEffect, useRef, useState } from 'react';
import { api } from '../../../shared/api';
import { DeskClientError } from '../../../shared/client';
import type { Alert } from '../../../shared/domain';
import { useDesk, useDeskContext, useUi } from '../context';
import { formatDateTime } from '../format';
import { breachText, metricLabel } from '../state/alerts';
import { SeverityTag } from './Light';

export function AlertActionDialog() {
  const { ui, model } = useDeskContext();
  const dialog = useUi((s) => s.dialog);
  const alert = useDesk((s) => (dialog ? s.alerts[dialog.alertId] : undefined));
  if (!dialog) return null;
  return <DialogBody key={`${dialog.kind}-${dialog.alertId}`} kind={dialog.kind} alertId={dialog.alertId} alert={alert} close={() => ui.setState({ dialog: null })} act={(text) => (dialog.kind === 'acknowledge' ? model.acknowledge(dialog.alertId, text) : model.resolve(dialog.alertId, text))} />;
}

function DialogBody({ kind, alertId, alert, close, act }: { kind: 'acknowledge' | 'resolve'; alertId: number; alert: Alert | undefined; close: () => void; act: (text: string) => Promise<Alert> }) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const area = useRef<HTMLTextAreaElement>(null);
  const portfolio = useDesk((s) => (alert ? s.portfolios[alert.portfolio_id] : undefined));
  useEffect(() => area.current?.focus(), []);

  const submit = async () => {
    // The contract's own schema first: a missing reason is named before anything is sent.
    const input = kind === 'acknowledge' ? { id: alertId, comment: text.trim() } : { id: alertId, reason: text.trim() };
    const checked = api[kind === 'acknowledge' ? 'alerts.acknowledge' : 'alerts.resolve'].input.safeParse(input);
    if (!checked.success) {
      setError(checked.error.issues.map((i) => i.message).join('; '));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await act(text.trim());
      close();
    } catch (err) {
      setError(err instanceof DeskClientError ? `${err.message}${err.issues?.length ? ` (${err.issues.map((i) => `${i.field}: ${i.reason}`).join('; ')})` : ''}` : String(err));
      setBusy(false);
    }
  };

  const title = kind === 'acknowledge' ? 'Acknowledge alert' : 'Resolve alert';
  return (
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <form
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-label={title}
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') close();
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void submit();
        }}
      >
        <header>
          {title} #{alertId}
        </header>
        <div className="body">
          {alert ? (
            <div>
              <SeverityTag severity={alert.severity} /> <strong>{portfolio?.name ?? alert.portfolio_id}</strong> · {metricLabel(alert.metric_type)} · <span className="num">{breachText(alert, portfolio?.currency)}</span>
              <div className="muted">triggered {formatDateTime(alert.triggered_at)}</div>
            </div>
          ) : (
            <div className="muted">Alert #{alertId}</div>
          )}
          <label htmlFor="alert-action-text">{kind === 'acknowledge' ? 'Comment (who is on it, what is being done)' : 'Reason'}</label>
          <textarea id="alert-action-text" ref={area} rows={3} maxLength={2000} value={text} onChange={(e) => setText(e.target.value)} aria-invalid={error ? true : undefined} />
          {error && (
            <div className="error-text" role="alert">
              {error}
            </div>
          )}
        </div>
        <footer>
          <span className="muted" style={{ marginRight: 'auto' }}>
            <kbd>Ctrl</kbd>+<kbd>Enter</kbd> to confirm · <kbd>Esc</kbd> to cancel
          </span>
          <button type="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {kind === 'acknowledge' ? 'Acknowledge' : 'Resolve'}
          </button>
        </footer>
      </form>
    </div>
  );
}
