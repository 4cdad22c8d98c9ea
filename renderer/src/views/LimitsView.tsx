// Limits: every threshold, and an editor validated with the contract's schema, showing the
// server's errors by field and what the threshold would say about the book right now.
import { useEffect, useMemo, useState } from 'react';
import type { ThresholdPreview } from '../../../shared/alerts';
import { DeskClientError } from '../../../shared/client';
import { COMPARISON_TYPES, SEVERITIES, type Threshold, type ThresholdSettings } from '../../../shared/domain';
import { METRIC_INFO, METRIC_PATHS, type MetricPath } from '../../../shared/metrics';
import { Field, PortfolioOptions, useConfirmedDelete } from '../components/forms';
import { Glyph, SeverityTag } from '../components/Light';
import { useCan, useDesk, useDeskContext, useUi } from '../context';
import { formatMetric, formatUtilisation } from '../format';
import { COMPARISON_SYMBOL } from '../state/alerts';
import { draftFrom, draftToInput, emptyDraft, entersAsPercent, type FieldErrors, type ThresholdDraft, validateDraft } from '../state/threshold-form';
import { useShortcuts } from '../shortcuts';

const PREVIEW_DEBOUNCE_MS = 200;
/** The preview is of the latest figures: asked again this often while the editor is open. */
const PREVIEW_REFRESH_MS = 5000;

/** "Would this fire now?": the engine evaluates the draft against every portfolio's latest figures, without saving it. */
function Preview({ draft }: { draft: ThresholdDraft }) {
  const { model } = useDeskContext();
  const portfolios = useDesk((s) => s.portfolios);
  const v = validateDraft(draft);
  const key = v.ok ? JSON.stringify(v.value) : null;
  const [result, setResult] = useState<{ key: string; preview: ThresholdPreview } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!key) return;
    let cancelled = false;
    const ask = () =>
      model.client
        .call('thresholds.preview', JSON.parse(key) as ThresholdSettings)
        .then((preview) => {
          if (cancelled) return;
          setResult({ key, preview });
          setError(null);
        })
        .catch((err: unknown) => !cancelled && setError(err instanceof Error ? err.message : String(err)));
    const first = setTimeout(ask, PREVIEW_DEBOUNCE_MS);
    const again = setInterval(ask, PREVIEW_REFRESH_MS);
    return () => {
      cancelled = true;
      clearTimeout(first);
      clearInterval(again);
    };
  }, [model, key]);

  if (!v.ok) return <div className="preview muted">Preview: complete the form to see whether this would fire now.</div>;
  if (error) return <div className="preview error-text">Preview failed: {error}</div>;
  if (!result || result.key !== key) return <div className="preview muted">Checking against the latest figures…</div>;
  const t = v.value;
  const { rows, summary } = result.preview;
  const sorted = [...rows].sort((a, b) => Number(b.would_fire) - Number(a.would_fire) || Number(b.breached) - Number(a.breached) || (b.utilisation ?? -Infinity) - (a.utilisation ?? -Infinity));
  const breachedHeld = t.pending_seconds > 0 ? rows.filter((r) => r.breached && !r.stale && !r.overridden).length : 0;
  const n = summary.portfolios;
  return (
    <div className="preview" data-testid="threshold-preview" aria-live="polite">
      <strong>
        Would this fire now? {summary.would_fire ? `Yes, on ${summary.would_fire} of ${n} ${n === 1 ? 'portfolio' : 'portfolios'}` : `No (${n} ${n === 1 ? 'portfolio' : 'portfolios'} checked)`}
      </strong>
      <div className="muted">
        <Glyph light="red" /> {summary.red} <Glyph light="amber" /> {summary.amber} <Glyph light="green" /> {summary.green} <Glyph light="grey" /> {summary.grey}
        {!t.enabled && ' · disabled: it would not fire at all'}
        {breachedHeld > 0 && ` · ${breachedHeld} in breach would fire after the breach holds for ${t.pending_seconds} s`}
      </div>
      <table className="data" style={{ marginTop: '0.4rem' }}>
        <colgroup>
          <col />
          <col style={{ width: '7rem' }} />
          <col style={{ width: '5rem' }} />
          <col style={{ width: '6rem' }} />
        </colgroup>
        <tbody>
          {sorted.slice(0, 12).map((r) => {
            const p = portfolios[r.portfolio_id];
            return (
              <tr key={r.portfolio_id} data-fires={r.would_fire}>
                <td>
                  <Glyph light={r.light} /> {p?.name ?? r.portfolio_id}
                </td>
                <td className="num">{formatMetric(t.metric_type, r.value, p?.currency)}</td>
                <td className="num">{formatUtilisation(r.utilisation)}</td>
                <td>{r.overridden ? 'own limit' : r.would_fire ? 'fires' : r.value === null ? 'no figure' : r.stale ? 'stale' : r.breached ? 'held' : ''}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {sorted.length > 12 && <div className="muted">and {sorted.length - 12} more</div>}
    </div>
  );
}

function Editor({ editing, onDone }: { editing: Threshold | null; onDone: () => void }) {
  const { model } = useDeskContext();
  const can = useCan(editing ? 'thresholds.update' : 'thresholds.create');
  const [draft, setDraft] = useState<ThresholdDraft>(() => (editing ? draftFrom(editing) : emptyDraft()));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof ThresholdDraft>(k: K, v: ThresholdDraft[K]) => {
    setDraft((d) => ({ ...d, [k]: v }));
    setErrors((e) => ({ ...e, [k]: undefined }));
  };
  const pct = entersAsPercent(draft.metric_type);
  const unit = pct ? '%' : draft.metric_type === 'leverage_ratio' ? '×' : METRIC_INFO[draft.metric_type].kind === 'amount' ? 'in the portfolio currency' : '';

  const save = async () => {
    const v = validateDraft(draft);
    if (!v.ok) {
      setErrors(v.errors);
      setFormError('Fix the fields marked in red.');
      return;
    }
    setBusy(true);
    setFormError(null);
    try {
      if (editing) await model.client.call('thresholds.update', { ...v.value, id: editing.id });
      else await model.client.call('thresholds.create', v.value);
      await model.refreshThresholds();
      onDone();
    } catch (err) {
      if (err instanceof DeskClientError && err.issues?.length) {
        const fe: FieldErrors = {};
        for (const i of err.issues) {
          const f = i.field.split('.')[0] as keyof FieldErrors;
          if (f in draft) fe[f] = i.reason;
          else fe['(body)'] = `${i.field}: ${i.reason}`;
        }
        setErrors(fe);
      }
      setFormError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      aria-label={editing ? `Edit threshold ${editing.id}` : 'New threshold'}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
      onKeyDown={(e) => e.key === 'Escape' && onDone()}
    >
      <div className="panel-head">{editing ? `Edit threshold #${editing.id}` : 'New threshold'}</div>
      <fieldset disabled={!can || busy} style={{ border: 'none', margin: 0, padding: 0 }}>
        <div className="form">
          <Field id="th-portfolio_id" label="Portfolio" error={errors.portfolio_id}>
            {(control) => (
              <select {...control} value={draft.portfolio_id} onChange={(e) => set('portfolio_id', e.target.value)}>
                <option value="*">* every portfolio</option>
                <PortfolioOptions />
              </select>
            )}
          </Field>
          <Field id="th-metric_type" label="Metric" error={errors.metric_type}>
            {(control) => (
              <select {...control} value={draft.metric_type} onChange={(e) => set('metric_type', e.target.value as MetricPath)}>
                {METRIC_PATHS.map((m) => (
                  <option key={m} value={m}>
                    {METRIC_INFO[m].label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="th-comparison_type" label="Fires when value is" error={errors.comparison_type}>
            {(control) => (
              <select {...control} value={draft.comparison_type} onChange={(e) => set('comparison_type', e.target.value as ThresholdDraft['comparison_type'])}>
                {COMPARISON_TYPES.map((c) => (
                  <option key={c} value={c}>
                    {COMPARISON_SYMBOL[c]} {c.replace(/_/g, ' ')}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="th-threshold_value" label={`Limit${unit ? ` (${unit})` : ''}`} error={errors.threshold_value} hint={pct ? 'e.g. −5 for a 5% loss' : undefined}>
            {(control) => <input {...control} inputMode="decimal" value={draft.threshold_value} onChange={(e) => set('threshold_value', e.target.value)} />}
          </Field>
          <Field id="th-severity" label="Severity" error={errors.severity}>
            {(control) => (
              <select {...control} value={draft.severity} onChange={(e) => set('severity', e.target.value as ThresholdDraft['severity'])}>
                {SEVERITIES.map((s) => (
                  <option key={s}>{s}</option>
                ))}
              </select>
            )}
          </Field>
          <Field id="th-warn_utilisation_pct" label="Amber from (%)" error={errors.warn_utilisation_pct} hint="utilisation at which the light turns amber">
            {(control) => <input {...control} inputMode="numeric" value={draft.warn_utilisation_pct} onChange={(e) => set('warn_utilisation_pct', e.target.value)} />}
          </Field>
          <Field id="th-pending_seconds" label="Hold before firing (s)" error={errors.pending_seconds}>
            {(control) => <input {...control} inputMode="numeric" value={draft.pending_seconds} onChange={(e) => set('pending_seconds', e.target.value)} />}
          </Field>
          <Field id="th-clear_value" label={`Clears past${unit ? ` (${unit})` : ''}`} error={errors.clear_value} hint="optional hysteresis level; empty = the limit itself">
            {(control) => <input {...control} inputMode="decimal" value={draft.clear_value} onChange={(e) => set('clear_value', e.target.value)} />}
          </Field>
          <Field id="th-recovery_seconds" label="Hold before clearing (s)" error={errors.recovery_seconds}>
            {(control) => <input {...control} inputMode="numeric" value={draft.recovery_seconds} onChange={(e) => set('recovery_seconds', e.target.value)} />}
          </Field>
          <Field id="th-description" label="Description" error={errors.description}>
            {(control) => <input {...control} value={draft.description} maxLength={500} onChange={(e) => set('description', e.target.value)} />}
          </Field>
          <Field id="th-enabled" label="Enabled" error={errors.enabled}>
            {(control) => <input {...control} type="checkbox" checked={draft.enabled} onChange={(e) => set('enabled', e.target.checked)} style={{ width: 'auto', alignSelf: 'flex-start' }} />}
          </Field>
          <div className="actions">
            <button type="submit" className="primary">
              {editing ? 'Save' : 'Add threshold'}
            </button>
            <button type="button" onClick={onDone}>
              Cancel
            </button>
          </div>
          {(formError || errors['(body)']) && (
            <div className="error-text" role="alert" style={{ gridColumn: '1 / -1' }}>
              {errors['(body)'] ?? formError}
            </div>
          )}
          {!can && (
            <div className="muted" style={{ gridColumn: '1 / -1' }}>
              Your role may view limits but not change them.
            </div>
          )}
        </div>
      </fieldset>
      <Preview draft={draft} />
      <details className="muted" style={{ margin: '0 0.75rem' }}>
        <summary>Request body</summary>
        <pre className="mono">{JSON.stringify(draftToInput(draft), null, 2)}</pre>
      </details>
    </form>
  );
}

export function LimitsView() {
  const { model } = useDeskContext();
  const thresholds = useDesk((s) => s.thresholds);
  const portfolios = useDesk((s) => s.portfolios);
  const canDelete = useCan('thresholds.delete');
  const canCreate = useCan('thresholds.create');
  const blocked = useUi((s) => s.dialog !== null || s.helpOpen);
  const [editing, setEditing] = useState<Threshold | 'new' | null>(null);
  const [filter, setFilter] = useState('');
  const [selected, setSelected] = useState<number | null>(null);

  const list = useMemo(() => {
    const f = filter.toLowerCase();
    return [...thresholds]
      .filter((t) => !f || t.portfolio_id.toLowerCase().includes(f) || (portfolios[t.portfolio_id]?.name ?? '').toLowerCase().includes(f) || METRIC_INFO[t.metric_type].label.toLowerCase().includes(f) || t.description.toLowerCase().includes(f))
      .sort((a, b) => a.portfolio_id.localeCompare(b.portfolio_id) || METRIC_INFO[a.metric_type].label.localeCompare(METRIC_INFO[b.metric_type].label) || a.id - b.id);
  }, [thresholds, portfolios, filter]);

  const move = (delta: number) => {
    if (!list.length) return;
    const i = list.findIndex((t) => t.id === selected);
    const next = i < 0 ? 0 : Math.max(0, Math.min(list.length - 1, i + delta));
    setSelected(list[next].id);
  };
  useShortcuts(
    {
      j: () => move(1),
      ArrowDown: () => move(1),
      k: () => move(-1),
      ArrowUp: () => move(-1),
      Enter: () => {
        const t = list.find((x) => x.id === selected);
        if (t) setEditing(t);
      },
      n: () => canCreate && setEditing('new'),
      '/': () => document.getElementById('limits-filter')?.focus(),
    },
    () => blocked,
  );

  const { error, remove } = useConfirmedDelete(
    (t: Threshold) => `Delete threshold #${t.id} (${METRIC_INFO[t.metric_type].label} on ${t.portfolio_id})?`,
    (t) => model.client.call('thresholds.delete', { id: t.id }),
    () => model.refreshThresholds(),
  );

  return (
    <div className="view">
      <div className="toolbar">
        <h2>Limits</h2>
        <input id="limits-filter" className="filter" type="search" placeholder="Filter thresholds  /" aria-label="Filter thresholds" value={filter} onChange={(e) => setFilter(e.target.value)} onKeyDown={(e) => e.key === 'Escape' && (setFilter(''), e.currentTarget.blur())} />
        <span className="muted">{list.length} thresholds</span>
        {canCreate && (
          <button type="button" onClick={() => setEditing('new')} style={{ marginLeft: 'auto' }}>
            New threshold <kbd>n</kbd>
          </button>
        )}
        {error && <span className="error-text">{error}</span>}
      </div>
      <div className="split">
        <div className="panel">
          <div className="panel-body">
            <table className="data" aria-label="Thresholds">
              <colgroup>
                <col style={{ width: '3.5rem' }} />
                <col style={{ width: '11rem' }} />
                <col style={{ width: '12rem' }} />
                <col style={{ width: '9rem' }} />
                <col style={{ width: '5.5rem' }} />
                <col style={{ width: '5rem' }} />
                <col style={{ width: '5rem' }} />
                <col />
                <col style={{ width: '9rem' }} />
              </colgroup>
              <thead>
                <tr>
                  <th className="num">#</th>
                  <th>Portfolio</th>
                  <th>Metric</th>
                  <th className="num">Fires when</th>
                  <th>Severity</th>
                  <th className="num">Amber</th>
                  <th className="num">Hold</th>
                  <th>Description</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {list.map((t) => (
                  <tr key={t.id} aria-selected={t.id === selected} data-threshold-id={t.id} onClick={() => setSelected(t.id)} onDoubleClick={() => setEditing(t)} style={t.enabled ? undefined : { opacity: 0.5 }}>
                    <td className="num muted">{t.id}</td>
                    <td>{t.portfolio_id === '*' ? <span className="muted">* every portfolio</span> : (portfolios[t.portfolio_id]?.name ?? t.portfolio_id)}</td>
                    <td>{METRIC_INFO[t.metric_type].label}</td>
                    <td className="num">
                      {COMPARISON_SYMBOL[t.comparison_type]} {formatMetric(t.metric_type, t.threshold_value, t.portfolio_id === '*' ? 'USD' : portfolios[t.portfolio_id]?.currency)}
                    </td>
                    <td>
                      <SeverityTag severity={t.severity} />
                    </td>
                    <td className="num">{t.warn_utilisation_pct}%</td>
                    <td className="num">{t.pending_seconds ? `${t.pending_seconds}s` : '—'}</td>
                    <td className="muted" title={t.description}>
                      {t.enabled ? t.description : `(disabled) ${t.description}`}
                    </td>
                    <td style={{ textAlign: 'right' }}>
                      <button type="button" className="link" onClick={() => setEditing(t)}>
                        edit
                      </button>{' '}
                      {canDelete && (
                        <button type="button" className="link" onClick={() => void remove(t)}>
                          delete
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {list.length === 0 && <div className="empty">No thresholds{filter ? ' match' : ''}.</div>}
          </div>
        </div>
        <div className="panel">
          <div className="panel-body">
            {editing ? (
              <Editor key={editing === 'new' ? 'new' : editing.id} editing={editing === 'new' ? null : editing} onDone={() => setEditing(null)} />
            ) : (
              <div className="empty">Select a threshold and press Enter to edit it, or press n for a new one.</div>
            )}
          </div>
        </div>
      </div>
    </div>
  );
}
