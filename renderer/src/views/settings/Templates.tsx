// Notification templates (Liquid), one per kind, with a live preview rendered by the engine
// against a sample alert as you type.
import { useEffect, useState } from 'react';
import { type NotificationTemplate, type RenderedNotification, TEMPLATE_KINDS, type TemplateInput, type TemplateKind } from '../../../../shared/notify';
import { callErrors, Field, type FieldErrors, useLoaded } from '../../components/forms';
import { useCan, useConfigVersion, useDeskContext } from '../../context';
import { formatDateTime } from '../../format';

const PREVIEW_DEBOUNCE_MS = 250;
const KIND_LABEL: Record<TemplateKind, string> = { new_alert: 'New alert', escalation: 'Escalation', resolution: 'Resolution', digest: 'Digest' };

function usePreview(kind: TemplateKind, draft: TemplateInput, enabled: boolean): { rendered: RenderedNotification | null; error: string | null; fields: FieldErrors } {
  const { model } = useDeskContext();
  const [state, setState] = useState<{ rendered: RenderedNotification | null; error: string | null; fields: FieldErrors }>({ rendered: null, error: null, fields: {} });
  const key = JSON.stringify(draft);
  useEffect(() => {
    if (!enabled) return;
    let cancelled = false;
    const t = setTimeout(() => {
      model.client
        .call('templates.preview', { kind, draft: JSON.parse(key) as TemplateInput })
        .then((rendered) => !cancelled && setState({ rendered, error: null, fields: {} }))
        .catch((err: unknown) => {
          if (cancelled) return;
          const e = callErrors(err);
          setState((s) => ({ rendered: s.rendered, error: e.message, fields: e.fields }));
        });
    }, PREVIEW_DEBOUNCE_MS);
    return () => {
      cancelled = true;
      clearTimeout(t);
    };
  }, [model, kind, key, enabled]);
  return state;
}

function TemplateEditor({ template, onSaved }: { template: NotificationTemplate; onSaved: () => void }) {
  const { model } = useDeskContext();
  const can = useCan('templates.update');
  const canPreview = useCan('templates.preview');
  const [draft, setDraft] = useState<TemplateInput>({ subject: template.subject, body: template.body, sms: template.sms });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const preview = usePreview(template.kind, draft, canPreview);
  const fieldError = (k: keyof TemplateInput) => errors[k] ?? preview.fields[`draft.${k}`];
  const set = (k: keyof TemplateInput, v: string) => {
    setDraft((d) => ({ ...d, [k]: v }));
    setErrors({});
    setMessage(null);
  };
  const save = async () => {
    try {
      await model.client.call('templates.update', { kind: template.kind, ...draft });
      setMessage('Saved.');
      onSaved();
    } catch (err) {
      const e = callErrors(err);
      setErrors(e.fields);
      setMessage(e.message);
    }
  };
  const dirty = draft.subject !== template.subject || draft.body !== template.body || draft.sms !== template.sms;
  return (
    <div className="split" style={{ gridTemplateColumns: 'minmax(0, 1fr) minmax(0, 1fr)' }}>
      <form
        className="panel"
        aria-label={`${KIND_LABEL[template.kind]} template`}
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <div className="panel-body">
          <fieldset disabled={!can} style={{ border: 'none', margin: 0, padding: 0 }}>
            <div className="form" style={{ gridTemplateColumns: '6rem 1fr' }}>
              <Field id="tp-subject" label="Subject" error={fieldError('subject')}>
                {(control) => <input {...control} className="mono" value={draft.subject} onChange={(e) => set('subject', e.target.value)} />}
              </Field>
              <Field id="tp-body" label="Body" error={fieldError('body')}>
                {(control) => <textarea {...control} className="mono" rows={16} value={draft.body} onChange={(e) => set('body', e.target.value)} />}
              </Field>
              <Field id="tp-sms" label="SMS" error={fieldError('sms')} hint="at most 160 characters once rendered; longer is cut">
                {(control) => <textarea {...control} className="mono" rows={3} value={draft.sms} onChange={(e) => set('sms', e.target.value)} />}
              </Field>
              <div className="actions">
                <button type="submit" className="primary" disabled={!dirty}>
                  Save
                </button>
                <button type="button" disabled={!dirty} onClick={() => setDraft({ subject: template.subject, body: template.body, sms: template.sms })}>
                  Revert
                </button>
                <span className="muted">last saved {formatDateTime(template.updated_at)}</span>
              </div>
              {message && (
                <div className={errors && Object.keys(errors).length ? 'error-text' : 'muted'} role="status" style={{ gridColumn: '1 / -1' }}>
                  {message}
                </div>
              )}
            </div>
          </fieldset>
        </div>
      </form>
      <section className="panel" aria-label="Preview">
        <div className="panel-head">Preview (sample alert)</div>
        <div className="panel-body" data-testid="template-preview">
          {preview.error && (
            <div className="preview error-text" role="alert">
              {preview.error}
            </div>
          )}
          {preview.rendered ? (
            <>
              <div className="preview">
                <div className="muted">Subject</div>
                <pre>{preview.rendered.subject}</pre>
              </div>
              <div className="preview">
                <div className="muted">Body</div>
                <pre>{preview.rendered.body}</pre>
              </div>
              <div className="preview">
                <div className="muted">
                  SMS · {preview.rendered.sms_length} characters{preview.rendered.sms_truncated ? ', cut to 160' : ''}
                </div>
                <pre>{preview.rendered.sms}</pre>
              </div>
            </>
          ) : (
            !preview.error && <div className="empty">{canPreview ? 'Rendering…' : 'Previews need the admin role.'}</div>
          )}
        </div>
      </section>
    </div>
  );
}

export function Templates() {
  const { model } = useDeskContext();
  const list = useLoaded(() => model.client.call('templates.list', {}), [model, useConfigVersion('templates')]);
  const [kind, setKind] = useState<TemplateKind>('new_alert');
  const template = list.data?.find((t) => t.kind === kind);
  return (
    <div className="view">
      <div className="toolbar">
        <div className="segmented" role="tablist" aria-label="Template kinds">
          {TEMPLATE_KINDS.map((k) => (
            <button key={k} type="button" role="tab" aria-selected={k === kind} aria-pressed={k === kind} onClick={() => setKind(k)}>
              {KIND_LABEL[k]}
            </button>
          ))}
        </div>
        <span className="muted">Liquid, e.g. {'{{ portfolio_name }}'}, {'{{ metric_label }}'}, {'{{ current_value }}'}, {'{{ threshold }}'}, {'{{ utilisation }}'} (all variables: docs/notifications.md)</span>
        {list.error && <span className="error-text">{list.error}</span>}
      </div>
      {template ? <TemplateEditor key={`${template.kind}-${template.updated_at}`} template={template} onSaved={list.reload} /> : !list.error && <div className="empty">Loading…</div>}
    </div>
  );
}
