// The notification log: who was told what, when, by which channel, and how delivery went.
import { useState } from 'react';
import { CHANNELS, type Channel } from '../../../../shared/domain';
import { NOTIFICATION_STATUSES, type NotificationStatus } from '../../../../shared/notify';
import { useLoaded } from '../../components/forms';
import { SeverityTag } from '../../components/Light';
import { useDeskContext } from '../../context';
import { formatDateTime } from '../../format';

const STATUS_CLASS: Partial<Record<NotificationStatus, string>> = { sent: 't-green', failed: 't-red', expired: 't-red', queued: 't-amber', sending: 't-amber' };

export function NotificationLog() {
  const { model } = useDeskContext();
  const [channel, setChannel] = useState<Channel | ''>('');
  const [status, setStatus] = useState<NotificationStatus | ''>('');
  const log = useLoaded(() => model.client.call('notifications.list', { channel: channel || undefined, status: status || undefined, limit: 200 }), [model, channel, status]);
  return (
    <div className="view">
      <div className="toolbar" role="group" aria-label="Notification filters">
        <select aria-label="Channel" value={channel} onChange={(e) => setChannel(e.target.value as Channel | '')}>
          <option value="">All channels</option>
          {CHANNELS.map((c) => (
            <option key={c}>{c}</option>
          ))}
        </select>
        <select aria-label="Delivery" value={status} onChange={(e) => setStatus(e.target.value as NotificationStatus | '')}>
          <option value="">All deliveries</option>
          {NOTIFICATION_STATUSES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
        <button type="button" onClick={log.reload}>
          Refresh
        </button>
        <span className="muted">{log.data ? `${log.data.items.length} shown${log.data.next_cursor ? ' (newest 200)' : ''}` : ''}</span>
        {log.error && <span className="error-text">{log.error}</span>}
      </div>
      <div className="panel-body">
        <table className="data" aria-label="Notifications">
          <colgroup>
            <col style={{ width: '12rem' }} />
            <col style={{ width: '5rem' }} />
            <col style={{ width: '5.5rem' }} />
            <col style={{ width: '6rem' }} />
            <col style={{ width: '16rem' }} />
            <col style={{ width: '8rem' }} />
            <col style={{ width: '5rem' }} />
            <col />
          </colgroup>
          <thead>
            <tr>
              <th className="num">When</th>
              <th className="num">Alert</th>
              <th>Severity</th>
              <th>Channel</th>
              <th>To</th>
              <th>Delivery</th>
              <th className="num">Tries</th>
              <th>Subject / error</th>
            </tr>
          </thead>
          <tbody>
            {(log.data?.items ?? []).map((n) => (
              <tr key={n.id}>
                <td className="num">{formatDateTime(n.sent_at ?? n.created_at)}</td>
                <td className="num muted">{n.alert_id ?? '—'}</td>
                <td>
                  <SeverityTag severity={n.severity} />
                </td>
                <td>{n.channel}</td>
                <td className="mono" title={n.recipient}>
                  {n.recipient}
                </td>
                <td className={STATUS_CLASS[n.status] ?? 'muted'}>
                  {n.status}
                  {n.transition === 'test' ? ' (test)' : ''}
                </td>
                <td className="num">{n.attempts}</td>
                <td title={n.error ?? n.subject ?? ''} className={n.error ? 't-red' : undefined}>
                  {n.error ?? n.subject ?? n.body}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {log.data && log.data.items.length === 0 && <div className="empty">Nothing sent yet.</div>}
      </div>
    </div>
  );
}
