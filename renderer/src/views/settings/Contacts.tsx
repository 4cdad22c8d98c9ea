// Contacts: the people notifications and escalation steps reach (by id, or by role).
import { useState } from 'react';
import type { Contact } from '../../../../shared/domain';
import { ContactInput } from '../../../../shared/notify';
import { callErrors, Field, type FieldErrors, useConfirmedDelete, useLoaded, zodErrors } from '../../components/forms';
import { useCan, useConfigVersion, useDeskContext } from '../../context';

interface Draft {
  name: string;
  role: string;
  email: string;
  phone: string;
  webhook_url: string;
  enabled: boolean;
}

const blank: Draft = { name: '', role: 'on_call_risk', email: '', phone: '', webhook_url: '', enabled: true };
const fromContact = (c: Contact): Draft => ({ name: c.name, role: c.role, email: c.email ?? '', phone: c.phone ?? '', webhook_url: c.webhook_url ?? '', enabled: c.enabled });
export const contactInput = (d: Draft): ContactInput => ({
  name: d.name.trim(),
  role: d.role.trim(),
  email: d.email.trim() || null,
  phone: d.phone.trim() || null,
  webhook_url: d.webhook_url.trim() || null,
  enabled: d.enabled,
});

function ContactForm({ editing, onDone }: { editing: Contact | null; onDone: () => void }) {
  const { model } = useDeskContext();
  const can = useCan(editing ? 'contacts.update' : 'contacts.create');
  const [d, setD] = useState<Draft>(editing ? fromContact(editing) : blank);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => {
    setD((x) => ({ ...x, [k]: v }));
    setErrors((e) => ({ ...e, [k]: '' }));
  };
  const save = async () => {
    const input = contactInput(d);
    const checked = ContactInput.safeParse(input);
    if (!checked.success) return setErrors(zodErrors(checked.error));
    try {
      if (editing) await model.client.call('contacts.update', { ...input, id: editing.id });
      else await model.client.call('contacts.create', input);
      onDone();
    } catch (err) {
      const e = callErrors(err);
      setErrors(e.fields);
      setMessage(e.message);
    }
  };
  const text = (k: 'name' | 'role' | 'email' | 'phone' | 'webhook_url', label: string, hint?: string) => (
    <Field id={`ct-${k}`} label={label} error={errors[k]} hint={hint}>
      {(control) => <input {...control} value={d[k]} onChange={(e) => set(k, e.target.value)} />}
    </Field>
  );
  return (
    <form
      aria-label={editing ? `Edit contact ${editing.name}` : 'New contact'}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <div className="panel-head">{editing ? `Edit ${editing.name}` : 'New contact'}</div>
      <fieldset disabled={!can} style={{ border: 'none', margin: 0, padding: 0 }}>
        <div className="form">
          {text('name', 'Name')}
          {text('role', 'Role', 'escalation steps may address a role, e.g. on_call_risk, head_of_risk, cro')}
          {text('email', 'Email')}
          {text('phone', 'Phone', 'E.164, e.g. +14155550100')}
          {text('webhook_url', 'Webhook URL')}
          <Field id="ct-enabled" label="Enabled">
            {(control) => <input {...control} type="checkbox" checked={d.enabled} onChange={(e) => set('enabled', e.target.checked)} style={{ alignSelf: 'flex-start' }} />}
          </Field>
          <div className="actions">
            <button type="submit" className="primary">
              {editing ? 'Save' : 'Add contact'}
            </button>
            <button type="button" onClick={onDone}>
              Cancel
            </button>
          </div>
          {message && (
            <div className="error-text" role="alert" style={{ gridColumn: '1 / -1' }}>
              {message}
            </div>
          )}
          {!can && (
            <div className="muted" style={{ gridColumn: '1 / -1' }}>
              Only an admin may change contacts.
            </div>
          )}
        </div>
      </fieldset>
    </form>
  );
}

export function Contacts() {
  const { model } = useDeskContext();
  const list = useLoaded(() => model.client.call('contacts.list', {}), [model, useConfigVersion('contacts')]);
  const canCreate = useCan('contacts.create');
  const canDelete = useCan('contacts.delete');
  const [editing, setEditing] = useState<Contact | 'new' | null>(null);
  const { error, remove } = useConfirmedDelete((c: Contact) => `Delete contact ${c.name}?`, (c) => model.client.call('contacts.delete', { id: c.id }), list.reload);
  return (
    <div className="split">
      <div className="panel">
        <div className="toolbar">
          <span className="muted">{list.data?.length ?? 0} contacts</span>
          {canCreate && (
            <button type="button" style={{ marginLeft: 'auto' }} onClick={() => setEditing('new')}>
              New contact
            </button>
          )}
          {(error || list.error) && <span className="error-text">{error ?? list.error}</span>}
        </div>
        <div className="panel-body">
          <table className="data" aria-label="Contacts">
            <thead>
              <tr>
                <th>Name</th>
                <th>Role</th>
                <th>Email</th>
                <th>Phone</th>
                <th>Webhook</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {(list.data ?? []).map((c) => (
                <tr key={c.id} style={c.enabled ? undefined : { opacity: 0.5 }} onDoubleClick={() => setEditing(c)}>
                  <td>{c.name}</td>
                  <td className="mono">{c.role}</td>
                  <td>{c.email ?? '—'}</td>
                  <td className="mono">{c.phone ?? '—'}</td>
                  <td title={c.webhook_url ?? undefined}>{c.webhook_url ? 'set' : '—'}</td>
                  <td style={{ textAlign: 'right' }}>
                    <button type="button" className="link" onClick={() => setEditing(c)}>
                      edit
                    </button>{' '}
                    {canDelete && (
                      <button type="button" className="link" onClick={() => void remove(c)}>
                        delete
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
      <div className="panel">
        <div className="panel-body">
          {editing ? (
            <ContactForm
              key={editing === 'new' ? 'new' : editing.id}
              editing={editing === 'new' ? null : editing}
              onDone={() => {
                setEditing(null);
                list.reload();
              }}
            />
          ) : (
            <div className="empty">Select a contact to edit it.</div>
          )}
        </div>
      </div>
    </div>
  );
}
