// Silences: while one is in force, matching alerts still show but notify nobody.
import { useState } from 'react';
import { type Silence, SilenceInput } from '../../../../shared/alerts';
import { SEVERITIES, type Severity } from '../../../../shared/domain';
import { METRIC_INFO, METRIC_PATHS, type MetricPath } from '../../../../shared/metrics';
import { callErrors, Field, type FieldErrors, PortfolioOptions, useLoaded, zodErrors } from '../../components/forms';
import { useCan, useConfigVersion, useDesk, useDeskContext } from '../../context';
import { formatDateTime, formatDuration } from '../../format';
import { useNow } from '../../components/StatusBar';

const DURATIONS = [
  { label: '30 min', ms: 30 * 60_000 },
  { label: '1 hour', ms: 3600_000 },
  { label: '4 hours', ms: 4 * 3600_000 },
  { label: '1 day', ms: 86400_000 },
  { label: '1 week', ms: 7 * 86400_000 },
];

interface Draft {
  portfolio_id: string;
  metric_type: MetricPath | '';
  severity: Severity | '';
  durationMs: number;
  reason: string;
}

export function silenceInput(d: Draft, now: number): SilenceInput {
  return {
    portfolio_id: d.portfolio_id || null,
    metric_type: d.metric_type || null,
    severity: d.severity || null,
    starts_at: new Date(now).toISOString(),
    ends_at: new Date(now + d.durationMs).toISOString(),
    reason: d.reason,
  };
}

export function Silences() {
  const { model } = useDeskContext();
  const portfolios = useDesk((s) => s.portfolios);
  const can = useCan('silences.create');
  const canEnd = useCan('silences.delete');
  const now = useNow(5000);
  const list = useLoaded(() => model.client.call('silences.list', {}), [model, useConfigVersion('silences')]);
  const [draft, setDraft] = useState<Draft>({ portfolio_id: '', metric_type: '', severity: '', durationMs: 3600_000, reason: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => {
    setDraft((d) => ({ ...d, [k]: v }));
    setErrors({});
  };

  const create = async () => {
    const input = silenceInput(draft, Date.now());
    const checked = SilenceInput.safeParse(input);
    if (!checked.success) return setErrors(zodErrors(checked.error));
    try {
      await model.client.call('silences.create', input);
      setDraft((d) => ({ ...d, reason: '' }));
      setMessage('Silence added.');
      list.reload();
    } catch (err) {
      const e = callErrors(err);
      setErrors(e.fields);
      setMessage(e.message);
    }
  };

  const end = async (s: Silence) => {
    try {
      await model.client.call('silences.delete', { id: s.id });
      list.reload();
    } catch (err) {
      setMessage(callErrors(err).message);
    }
  };

  // `now` ticks every 5 s for the countdowns; a render between ticks (a reload) uses the actual time.
  const nowMs = Math.max(now, Date.now());
  const iso = new Date(nowMs).toISOString();
  const sorted = [...(list.data ?? [])].sort((a, b) => Number(b.ends_at > iso) - Number(a.ends_at > iso) || b.starts_at.localeCompare(a.starts_at));
  return (
    <div className="split">
      <div className="panel">
        <div className="panel-body">
          {list.error && <div className="error-text">{list.error}</div>}
          <table className="data" aria-label="Silences">
            <colgroup>
              <col style={{ width: '6rem' }} />
              <col style={{ width: '18rem' }} />
              <col style={{ width: '11rem' }} />
              <col style={{ width: '11rem' }} />
              <col />
              <col style={{ width: '7rem' }} />
              <col style={{ width: '4rem' }} />
            </colgroup>
            <thead>
              <tr>
                <th>State</th>
                <th>Matches</th>
                <th className="num">From</th>
                <th className="num">Until</th>
                <th>Reason</th>
                <th>By</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {sorted.map((s) => {
                const active = s.starts_at <= iso && iso < s.ends_at;
                const over = s.ends_at <= iso;
                return (
                  <tr key={s.id} data-silence-id={s.id} style={over ? { opacity: 0.5 } : undefined}>
                    <td className={active ? 't-amber' : 'muted'}>{active ? `▲ ${formatDuration(Date.parse(s.ends_at) - nowMs)} left` : over ? 'ended' : 'scheduled'}</td>
                    <td>
                      {[s.portfolio_id && (portfolios[s.portfolio_id]?.name ?? s.portfolio_id), s.metric_type && METRIC_INFO[s.metric_type].label, s.severity].filter(Boolean).join(' · ')}
                    </td>
                    <td className="num">{formatDateTime(s.starts_at)}</td>
                    <td className="num">{formatDateTime(s.ends_at)}</td>
                    <td title={s.reason}>{s.reason}</td>
                    <td className="muted">{s.author}</td>
                    <td>
                      {!over && canEnd && (
                        <button type="button" className="link" onClick={() => void end(s)}>
                          end
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {list.data && list.data.length === 0 && <div className="empty">No silences.</div>}
        </div>
      </div>
      <div className="panel">
        <form
          aria-label="New silence"
          onSubmit={(e) => {
            e.preventDefault();
            void create();
          }}
        >
          <div className="panel-head">New silence</div>
          <fieldset disabled={!can} style={{ border: 'none', margin: 0, padding: 0 }}>
            <div className="form">
              <Field id="si-portfolio" label="Portfolio" error={errors.portfolio_id}>
                {(control) => (
                  <select {...control} value={draft.portfolio_id} onChange={(e) => set('portfolio_id', e.target.value)}>
                    <option value="">any</option>
                    <PortfolioOptions />
                  </select>
                )}
              </Field>
              <Field id="si-metric" label="Metric" error={errors.metric_type}>
                {(control) => (
                  <select {...control} value={draft.metric_type} onChange={(e) => set('metric_type', e.target.value as MetricPath | '')}>
                    <option value="">any</option>
                    {METRIC_PATHS.map((m) => (
                      <option key={m} value={m}>
                        {METRIC_INFO[m].label}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field id="si-severity" label="Severity" error={errors.severity}>
                {(control) => (
                  <select {...control} value={draft.severity} onChange={(e) => set('severity', e.target.value as Severity | '')}>
                    <option value="">any</option>
                    {SEVERITIES.map((s) => (
                      <option key={s}>{s}</option>
                    ))}
                  </select>
                )}
              </Field>
              <Field id="si-duration" label="For" error={errors.ends_at}>
                {(control) => (
                  <select {...control} value={draft.durationMs} onChange={(e) => set('durationMs', Number(e.target.value))}>
                    {DURATIONS.map((d) => (
                      <option key={d.ms} value={d.ms}>
                        {d.label}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field id="si-reason" label="Reason" error={errors.reason}>
                {(control) => <input {...control} value={draft.reason} maxLength={500} onChange={(e) => set('reason', e.target.value)} />}
              </Field>
              <div className="actions">
                <button type="submit" className="primary">
                  Silence
                </button>
              </div>
              {(message || errors['(form)']) && (
                <div className="muted" role="status" style={{ gridColumn: '1 / -1' }}>
                  {errors['(form)'] ?? message}
                </div>
              )}
              <div className="hint" style={{ gridColumn: '1 / -1' }}>
                Silenced alerts are still raised and shown; only their notifications and escalation are held.
              </div>
            </div>
          </fieldset>
        </form>
      </div>
    </div>
  );
}
