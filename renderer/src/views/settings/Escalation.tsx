// Escalation rules: who is told, how, and when, while an alert stays unacknowledged.
import { useMemo, useState } from 'react';
import { type Contact, SEVERITIES, type Severity } from '../../../../shared/domain';
import { type EscalationRecipient, type EscalationRule, EscalationRuleInput, STEP_CHANNELS, type StepChannel } from '../../../../shared/notify';
import { callErrors, Field, type FieldErrors, PortfolioOptions, useConfirmedDelete, useLoaded, zodErrors } from '../../components/forms';
import { SeverityTag } from '../../components/Light';
import { useCan, useConfigVersion, useDesk, useDeskContext } from '../../context';

interface StepDraft {
  level: string;
  delay_minutes: string;
  contactIds: number[];
  /** Comma-separated roles. */
  roles: string;
  channels: StepChannel[];
}

export interface RuleDraft {
  name: string;
  severity: Severity;
  portfolio_id: string;
  enabled: boolean;
  repeat_count: string;
  repeat_interval_minutes: string;
  steps: StepDraft[];
}

const blankStep = (delay = 0): StepDraft => ({ level: '', delay_minutes: String(delay), contactIds: [], roles: '', channels: ['email'] });
const blankRule = (): RuleDraft => ({ name: '', severity: 'HIGH', portfolio_id: '', enabled: true, repeat_count: '0', repeat_interval_minutes: '15', steps: [blankStep()] });

function fromRule(r: EscalationRule): RuleDraft {
  return {
    name: r.name,
    severity: r.severity,
    portfolio_id: r.portfolio_id ?? '',
    enabled: r.enabled,
    repeat_count: String(r.repeat_count),
    repeat_interval_minutes: String(r.repeat_interval_minutes),
    steps: r.steps.map((s) => ({
      level: s.level,
      delay_minutes: String(s.delay_minutes),
      contactIds: s.recipients.flatMap((x) => ('contact_id' in x ? [x.contact_id] : [])),
      roles: s.recipients.flatMap((x) => ('role' in x ? [x.role] : [])).join(', '),
      channels: [...s.channels],
    })),
  };
}

const num = (s: string): number | string => (s.trim() !== '' && Number.isFinite(Number(s)) ? Number(s) : s);

/** The request body a draft becomes (validated by EscalationRuleInput before sending). */
export function ruleInput(d: RuleDraft): EscalationRuleInput {
  return {
    name: d.name.trim(),
    severity: d.severity,
    portfolio_id: d.portfolio_id || null,
    enabled: d.enabled,
    repeat_count: num(d.repeat_count) as number,
    repeat_interval_minutes: num(d.repeat_interval_minutes) as number,
    steps: d.steps.map((s) => ({
      level: s.level.trim(),
      delay_minutes: num(s.delay_minutes) as number,
      recipients: [
        ...s.contactIds.map((id): EscalationRecipient => ({ contact_id: id })),
        ...s.roles
          .split(',')
          .map((r) => r.trim())
          .filter(Boolean)
          .map((role): EscalationRecipient => ({ role })),
      ],
      channels: s.channels,
    })),
  };
}

function describeRecipients(r: EscalationRecipient[], contacts: Map<number, Contact>): string {
  return r.map((x) => ('contact_id' in x ? (contacts.get(x.contact_id)?.name ?? `#${x.contact_id}`) : `role ${x.role}`)).join(', ');
}

function RuleForm({ editing, contacts, onDone }: { editing: EscalationRule | null; contacts: Contact[]; onDone: () => void }) {
  const { model } = useDeskContext();
  const can = useCan(editing ? 'escalation.update' : 'escalation.create');
  const [d, setD] = useState<RuleDraft>(editing ? fromRule(editing) : blankRule());
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const set = <K extends keyof RuleDraft>(k: K, v: RuleDraft[K]) => setD((x) => ({ ...x, [k]: v }));
  const setStep = (i: number, patch: Partial<StepDraft>) => setD((x) => ({ ...x, steps: x.steps.map((s, j) => (j === i ? { ...s, ...patch } : s)) }));
  const save = async () => {
    const input = ruleInput(d);
    const checked = EscalationRuleInput.safeParse(input);
    if (!checked.success) {
      setErrors(zodErrors(checked.error));
      setMessage('Fix the fields marked in red.');
      return;
    }
    try {
      if (editing) await model.client.call('escalation.update', { ...input, id: editing.id });
      else await model.client.call('escalation.create', input);
      onDone();
    } catch (err) {
      const e = callErrors(err);
      setErrors(e.fields);
      setMessage(e.message);
    }
  };
  return (
    <form
      aria-label={editing ? `Edit escalation rule ${editing.name}` : 'New escalation rule'}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <div className="panel-head">{editing ? `Edit ${editing.name}` : 'New escalation rule'}</div>
      <fieldset disabled={!can} style={{ border: 'none', margin: 0, padding: 0 }}>
        <div className="form">
          <Field id="er-name" label="Name" error={errors.name}>
            {(control) => <input {...control} value={d.name} onChange={(e) => set('name', e.target.value)} />}
          </Field>
          <Field id="er-severity" label="Severity" error={errors.severity}>
            {(control) => (
              <select {...control} value={d.severity} onChange={(e) => set('severity', e.target.value as Severity)}>
                {SEVERITIES.map((s) => (
                  <option key={s}>{s}</option>
                ))}
              </select>
            )}
          </Field>
          <Field id="er-portfolio" label="Portfolio" error={errors.portfolio_id} hint="a portfolio's own rule wins over the catch-all">
            {(control) => (
              <select {...control} value={d.portfolio_id} onChange={(e) => set('portfolio_id', e.target.value)}>
                <option value="">every portfolio</option>
                <PortfolioOptions />
              </select>
            )}
          </Field>
          <Field id="er-repeat" label="Repeat last step" error={errors.repeat_count ?? errors.repeat_interval_minutes} hint="times, and every how many minutes, while nobody acknowledges">
            {(control) => (
              <span style={{ display: 'flex', gap: '0.4rem', alignItems: 'center' }}>
                <input {...control} style={{ width: '5rem' }} inputMode="numeric" value={d.repeat_count} onChange={(e) => set('repeat_count', e.target.value)} />
                × every
                <input aria-label="Repeat interval (minutes)" style={{ width: '5rem' }} inputMode="numeric" value={d.repeat_interval_minutes} onChange={(e) => set('repeat_interval_minutes', e.target.value)} />
                min
              </span>
            )}
          </Field>
          <Field id="er-enabled" label="Enabled">
            {(control) => <input {...control} type="checkbox" checked={d.enabled} onChange={(e) => set('enabled', e.target.checked)} style={{ alignSelf: 'flex-start' }} />}
          </Field>
        </div>
        {d.steps.map((s, i) => {
          const e = (k: string) => errors[`steps.${i}.${k}`];
          return (
            <fieldset key={i} className="form" style={{ border: '1px solid var(--border)', margin: '0 0.75rem 0.6rem', borderRadius: 3 }} aria-label={`Step ${i + 1}`}>
              <legend className="muted">
                Step {i + 1}{' '}
                {d.steps.length > 1 && (
                  <button type="button" className="link" onClick={() => set('steps', d.steps.filter((_, j) => j !== i))}>
                    remove
                  </button>
                )}
              </legend>
              <Field id={`er-s${i}-level`} label="Level" error={e('level')}>
                {(control) => <input {...control} value={s.level} placeholder="on-call" onChange={(ev) => setStep(i, { level: ev.target.value })} />}
              </Field>
              <Field id={`er-s${i}-delay`} label="After (minutes)" error={e('delay_minutes')} hint="from the trigger, not from the previous step">
                {(control) => <input {...control} inputMode="decimal" value={s.delay_minutes} onChange={(ev) => setStep(i, { delay_minutes: ev.target.value })} />}
              </Field>
              <Field id={`er-s${i}-contacts`} label="Contacts" error={e('recipients')}>
                {(control) => (
                  <select
                    {...control}
                    multiple
                    size={Math.min(5, Math.max(2, contacts.length))}
                    value={s.contactIds.map(String)}
                    onChange={(ev) => setStep(i, { contactIds: [...ev.target.selectedOptions].map((o) => Number(o.value)) })}
                  >
                    {contacts.map((c) => (
                      <option key={c.id} value={c.id}>
                        {c.name} ({c.role})
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field id={`er-s${i}-roles`} label="Roles" hint="comma-separated; resolved to the enabled contacts holding them when the step fires">
                {(control) => <input {...control} value={s.roles} onChange={(ev) => setStep(i, { roles: ev.target.value })} />}
              </Field>
              <Field id={`er-s${i}-channels`} label="Channels" error={e('channels')}>
                {(control) => (
                  <span {...control} role="group" aria-label={`Step ${i + 1} channels`} style={{ display: 'flex', gap: '0.8rem', flexWrap: 'wrap' }}>
                    {STEP_CHANNELS.map((c) => (
                      <label key={c} style={{ padding: 0, color: 'var(--text)' }}>
                        <input type="checkbox" checked={s.channels.includes(c)} onChange={(ev) => setStep(i, { channels: ev.target.checked ? [...s.channels, c] : s.channels.filter((x) => x !== c) })} /> {c}
                      </label>
                    ))}
                  </span>
                )}
              </Field>
            </fieldset>
          );
        })}
        <div className="form">
          <div className="actions">
            <button type="button" onClick={() => set('steps', [...d.steps, blankStep(Number(d.steps.at(-1)?.delay_minutes ?? 0) + 15)])}>
              Add step
            </button>
            <button type="submit" className="primary">
              {editing ? 'Save' : 'Add rule'}
            </button>
            <button type="button" onClick={onDone}>
              Cancel
            </button>
          </div>
          {(message || errors.steps) && (
            <div className="error-text" role="alert" style={{ gridColumn: '1 / -1' }}>
              {errors.steps ?? message}
            </div>
          )}
          {!can && (
            <div className="muted" style={{ gridColumn: '1 / -1' }}>
              Only an admin may change escalation rules.
            </div>
          )}
        </div>
      </fieldset>
    </form>
  );
}

export function Escalation() {
  const { model } = useDeskContext();
  const portfolios = useDesk((s) => s.portfolios);
  const rules = useLoaded(() => model.client.call('escalation.list', {}), [model, useConfigVersion('escalation_rules')]);
  const contactList = useLoaded(() => model.client.call('contacts.list', {}), [model, useConfigVersion('contacts')]);
  const canCreate = useCan('escalation.create');
  const canDelete = useCan('escalation.delete');
  const [editing, setEditing] = useState<EscalationRule | 'new' | null>(null);
  const contacts = useMemo(() => new Map((contactList.data ?? []).map((c) => [c.id, c])), [contactList.data]);
  const { error, remove } = useConfirmedDelete((r: EscalationRule) => `Delete escalation rule ${r.name}?`, (r) => model.client.call('escalation.delete', { id: r.id }), rules.reload);
  return (
    <div className="split">
      <div className="panel">
        <div className="toolbar">
          <span className="muted">{rules.data?.length ?? 0} rules</span>
          {canCreate && (
            <button type="button" style={{ marginLeft: 'auto' }} onClick={() => setEditing('new')}>
              New rule
            </button>
          )}
          {(error || rules.error) && <span className="error-text">{error ?? rules.error}</span>}
        </div>
        <div className="panel-body">
          {(rules.data ?? []).map((r) => (
            <section key={r.id} className="card" style={{ margin: '0.6rem 0.75rem', opacity: r.enabled ? 1 : 0.5 }} aria-label={`Rule ${r.name}`}>
              <h3>
                <span>
                  <SeverityTag severity={r.severity} /> {r.name} · {r.portfolio_id ? (portfolios[r.portfolio_id]?.name ?? r.portfolio_id) : 'every portfolio'}
                </span>
                <span>
                  <button type="button" className="link" onClick={() => setEditing(r)}>
                    edit
                  </button>{' '}
                  {canDelete && (
                    <button type="button" className="link" onClick={() => void remove(r)}>
                      delete
                    </button>
                  )}
                </span>
              </h3>
              <ol style={{ margin: '0.4rem 0', paddingLeft: '2rem' }}>
                {r.steps.map((s) => (
                  <li key={s.id}>
                    <span className="num">+{s.delay_minutes} min</span> · <strong>{s.level}</strong> · {s.channels.join(' + ')} → {describeRecipients(s.recipients, contacts)}
                  </li>
                ))}
              </ol>
              {r.repeat_count > 0 && (
                <div className="muted" style={{ padding: '0 0.7rem 0.4rem' }}>
                  last step repeats {r.repeat_count}× every {r.repeat_interval_minutes} min while unacknowledged
                </div>
              )}
            </section>
          ))}
          {rules.data && rules.data.length === 0 && <div className="empty">No escalation rules: alerts notify once and do not escalate.</div>}
        </div>
      </div>
      <div className="panel">
        <div className="panel-body">
          {editing ? (
            <RuleForm
              key={editing === 'new' ? 'new' : editing.id}
              editing={editing === 'new' ? null : editing}
              contacts={contactList.data ?? []}
              onDone={() => {
                setEditing(null);
                rules.reload();
              }}
            />
          ) : (
            <div className="empty">Select a rule to edit it.</div>
          )}
        </div>
      </div>
    </div>
  );
}
