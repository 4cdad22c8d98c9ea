// Channel settings: email (SMTP), SMS (Twilio or SNS), desktop, webhook. Secrets are write-only:
// the dashboard shows only whether one is set; typing sets it, "clear" removes it, leaving the
// field empty keeps it. Each value says where it came from (flag, env, saved, default).
import { useEffect, useState } from 'react';
import { CHANNELS, type Channel } from '../../../../shared/domain';
import { type ChannelSettingsUpdate, ChannelSettingsUpdate as UpdateSchema, type ChannelSettingsView, EMAIL_SECURITY, SMS_PROVIDERS, type TestMessageResult } from '../../../../shared/notify';
import { callErrors, Field, type FieldErrors, useLoaded, zodErrors } from '../../components/forms';
import { useCan, useConfigVersion, useDeskContext } from '../../context';

interface Draft {
  email_host: string;
  email_port: string;
  email_security: ChannelSettingsView['email']['security'];
  email_username: string;
  email_from: string;
  /** '' keeps the stored secret. */
  email_password: string;
  email_password_clear: boolean;
  sms_provider: ChannelSettingsView['sms']['provider'] | '';
  sms_twilio_account_sid: string;
  sms_twilio_from: string;
  sms_twilio_auth_token: string;
  sms_twilio_auth_token_clear: boolean;
  sms_sns_region: string;
  sms_validity_minutes: string;
  desktop_enabled: boolean;
  webhook_enabled: boolean;
  fallback_after_seconds: string;
}

function fromView(v: ChannelSettingsView): Draft {
  return {
    email_host: v.email.host ?? '',
    email_port: String(v.email.port),
    email_security: v.email.security,
    email_username: v.email.username ?? '',
    email_from: v.email.from ?? '',
    email_password: '',
    email_password_clear: false,
    sms_provider: v.sms.provider ?? '',
    sms_twilio_account_sid: v.sms.twilio_account_sid ?? '',
    sms_twilio_from: v.sms.twilio_from ?? '',
    sms_twilio_auth_token: '',
    sms_twilio_auth_token_clear: false,
    sms_sns_region: v.sms.sns_region ?? '',
    sms_validity_minutes: String(v.sms.validity_minutes),
    desktop_enabled: v.desktop.enabled,
    webhook_enabled: v.webhook.enabled,
    fallback_after_seconds: String(v.fallback_after_seconds),
  };
}

const orNull = (s: string) => (s.trim() === '' ? null : s.trim());
const num = (s: string): number => (s.trim() === '' ? NaN : Number(s));

/** Only what changed: untouched settings stay as they are (and keep their source). */
export function channelUpdate(v: ChannelSettingsView, d: Draft): ChannelSettingsUpdate {
  const email: NonNullable<ChannelSettingsUpdate['email']> = {};
  if (orNull(d.email_host) !== v.email.host) email.host = orNull(d.email_host);
  if (num(d.email_port) !== v.email.port) email.port = num(d.email_port);
  if (d.email_security !== v.email.security) email.security = d.email_security;
  if (orNull(d.email_username) !== v.email.username) email.username = orNull(d.email_username);
  if (orNull(d.email_from) !== v.email.from) email.from = orNull(d.email_from);
  if (d.email_password_clear) email.password = null;
  else if (d.email_password !== '') email.password = d.email_password;
  const sms: NonNullable<ChannelSettingsUpdate['sms']> = {};
  if ((d.sms_provider || null) !== v.sms.provider) sms.provider = d.sms_provider || null;
  if (orNull(d.sms_twilio_account_sid) !== v.sms.twilio_account_sid) sms.twilio_account_sid = orNull(d.sms_twilio_account_sid);
  if (orNull(d.sms_twilio_from) !== v.sms.twilio_from) sms.twilio_from = orNull(d.sms_twilio_from);
  if (orNull(d.sms_sns_region) !== v.sms.sns_region) sms.sns_region = orNull(d.sms_sns_region);
  if (num(d.sms_validity_minutes) !== v.sms.validity_minutes) sms.validity_minutes = num(d.sms_validity_minutes);
  if (d.sms_twilio_auth_token_clear) sms.twilio_auth_token = null;
  else if (d.sms_twilio_auth_token !== '') sms.twilio_auth_token = d.sms_twilio_auth_token;
  const out: ChannelSettingsUpdate = {};
  if (Object.keys(email).length) out.email = email;
  if (Object.keys(sms).length) out.sms = sms;
  if (d.desktop_enabled !== v.desktop.enabled) out.desktop = { enabled: d.desktop_enabled };
  if (d.webhook_enabled !== v.webhook.enabled) out.webhook = { enabled: d.webhook_enabled };
  if (num(d.fallback_after_seconds) !== v.fallback_after_seconds) out.fallback_after_seconds = num(d.fallback_after_seconds);
  return out;
}

function Source({ v, name }: { v: ChannelSettingsView; name: string }) {
  const s = v.sources[name];
  if (!s || s === 'saved' || s === 'default') return null;
  return (
    <span className="t-amber" title={`set by ${s === 'env' ? 'an environment variable' : 'a command-line flag'}: it wins over what is saved here`}>
      from {s}
    </span>
  );
}

function Secret({ id, label, set, value, clear, onChange, onClear, error, source }: { id: string; label: string; set: boolean; value: string; clear: boolean; onChange: (v: string) => void; onClear: (c: boolean) => void; error?: string; source: React.ReactNode }) {
  return (
    <Field
      id={id}
      label={label}
      error={error}
      hint={
        <>
          {set ? 'set' : 'not set'} · write-only: type to replace {source}
        </>
      }
    >
      {(control) => (
        <span style={{ display: 'flex', gap: '0.5rem', alignItems: 'center' }}>
          <input {...control} type="password" autoComplete="new-password" placeholder={set ? '•••••••• (set)' : '(not set)'} value={value} disabled={clear} onChange={(e) => onChange(e.target.value)} />
          {set && (
            <label style={{ padding: 0, whiteSpace: 'nowrap' }}>
              <input type="checkbox" checked={clear} onChange={(e) => onClear(e.target.checked)} /> clear
            </label>
          )}
        </span>
      )}
    </Field>
  );
}

function SendTest() {
  const { model } = useDeskContext();
  const [channel, setChannel] = useState<Channel>('email');
  const [to, setTo] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<TestMessageResult | { error: string } | null>(null);
  const send = async () => {
    setBusy(true);
    setResult(null);
    try {
      setResult(await model.client.call('channels.test', { channel, to: to.trim() || undefined }));
    } catch (err) {
      setResult({ error: callErrors(err).message });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      aria-label="Send a test message"
      className="form"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <label htmlFor="ch-test-channel">Send a test</label>
      <span style={{ display: 'flex', gap: '0.5rem' }}>
        <select id="ch-test-channel" value={channel} onChange={(e) => setChannel(e.target.value as Channel)}>
          {CHANNELS.map((c) => (
            <option key={c}>{c}</option>
          ))}
        </select>
        <input aria-label="Recipient" placeholder={channel === 'email' ? 'name@example.com' : channel === 'sms' ? '+14155550100' : channel === 'webhook' ? 'https://…' : '(none needed)'} value={to} disabled={channel === 'desktop'} onChange={(e) => setTo(e.target.value)} style={{ flex: 1 }} />
        <button type="submit" disabled={busy}>
          {busy ? 'Sending…' : 'Send test'}
        </button>
      </span>
      {result && (
        <div role="status" data-testid="test-result" style={{ gridColumn: '2' }} className={'ok' in result && result.ok ? 't-green' : 't-red'}>
          {'ok' in result ? (result.ok ? `● sent${result.provider_id ? ` (id ${result.provider_id})` : ''}` : `■ failed${result.permanent ? ' (permanent)' : ''}: ${result.error}`) : `■ ${result.error}`}
        </div>
      )}
    </form>
  );
}

function ChannelForm({ view, onSaved }: { view: ChannelSettingsView; onSaved: (v: ChannelSettingsView) => void }) {
  const { model } = useDeskContext();
  const [d, setD] = useState<Draft>(() => fromView(view));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => {
    setD((x) => ({ ...x, [k]: v }));
    setMessage(null);
  };
  const update = channelUpdate(view, d);
  const changed = Object.keys(update).length > 0;
  const save = async () => {
    const checked = UpdateSchema.safeParse(update);
    if (!checked.success) return setErrors(zodErrors(checked.error));
    try {
      const saved = await model.client.call('channels.update', update);
      setErrors({});
      setMessage('Saved.');
      onSaved(saved);
    } catch (err) {
      const e = callErrors(err);
      setErrors(e.fields);
      setMessage(e.message);
    }
  };
  const text = (k: keyof Draft, dotted: string, label: string, extra: Partial<React.InputHTMLAttributes<HTMLInputElement>> = {}) => (
    <Field id={`ch-${k}`} label={label} error={errors[dotted]} hint={<Source v={view} name={dotted} />}>
      {(control) => <input {...control} value={String(d[k])} onChange={(e) => set(k, e.target.value as never)} {...extra} />}
    </Field>
  );
  return (
    <form
      aria-label="Channel settings"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <div className="form">
        <h4 style={{ gridColumn: '1 / -1', margin: 0 }}>Email {view.email.configured ? <span className="t-green">● configured</span> : <span className="muted">○ not configured</span>}</h4>
        {text('email_host', 'email.host', 'SMTP host')}
        {text('email_port', 'email.port', 'Port', { inputMode: 'numeric' })}
        <Field id="ch-email_security" label="Security" error={errors['email.security']}>
          {(control) => (
            <select {...control} value={d.email_security} onChange={(e) => set('email_security', e.target.value as Draft['email_security'])}>
              {EMAIL_SECURITY.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          )}
        </Field>
        {text('email_username', 'email.username', 'Username')}
        <Secret id="ch-email_password" label="Password" set={view.email.password_set} value={d.email_password} clear={d.email_password_clear} onChange={(v) => set('email_password', v)} onClear={(c) => set('email_password_clear', c)} error={errors['email.password']} source={<Source v={view} name="email.password" />} />
        {text('email_from', 'email.from', 'From')}

        <h4 style={{ gridColumn: '1 / -1', margin: '0.6rem 0 0' }}>SMS {view.sms.configured ? <span className="t-green">● configured</span> : <span className="muted">○ not configured</span>}</h4>
        <Field id="ch-sms_provider" label="Provider" error={errors['sms.provider']}>
          {(control) => (
            <select {...control} value={d.sms_provider ?? ''} onChange={(e) => set('sms_provider', e.target.value as Draft['sms_provider'])}>
              <option value="">none</option>
              {SMS_PROVIDERS.map((p) => (
                <option key={p}>{p}</option>
              ))}
            </select>
          )}
        </Field>
        {d.sms_provider === 'twilio' && (
          <>
            {text('sms_twilio_account_sid', 'sms.twilio_account_sid', 'Twilio account SID')}
            <Secret id="ch-sms_twilio_auth_token" label="Twilio auth token" set={view.sms.twilio_auth_token_set} value={d.sms_twilio_auth_token} clear={d.sms_twilio_auth_token_clear} onChange={(v) => set('sms_twilio_auth_token', v)} onClear={(c) => set('sms_twilio_auth_token_clear', c)} error={errors['sms.twilio_auth_token']} source={<Source v={view} name="sms.twilio_auth_token" />} />
            {text('sms_twilio_from', 'sms.twilio_from', 'Twilio from')}
          </>
        )}
        {d.sms_provider === 'sns' && text('sms_sns_region', 'sms.sns_region', 'AWS region')}
        {text('sms_validity_minutes', 'sms.validity_minutes', 'SMS valid for (min)', { inputMode: 'numeric' })}

        <h4 style={{ gridColumn: '1 / -1', margin: '0.6rem 0 0' }}>Other</h4>
        <Field id="ch-desktop" label="Desktop notifications">
          {(control) => <input {...control} type="checkbox" checked={d.desktop_enabled} onChange={(e) => set('desktop_enabled', e.target.checked)} style={{ alignSelf: 'flex-start' }} />}
        </Field>
        <Field id="ch-webhook" label="Webhooks">
          {(control) => <input {...control} type="checkbox" checked={d.webhook_enabled} onChange={(e) => set('webhook_enabled', e.target.checked)} style={{ alignSelf: 'flex-start' }} />}
        </Field>
        {text('fallback_after_seconds', 'fallback_after_seconds', 'CRITICAL email → SMS after (s)', { inputMode: 'numeric' })}
        <div className="actions">
          <button type="submit" className="primary" disabled={!changed}>
            Save
          </button>
          <button type="button" disabled={!changed} onClick={() => setD(fromView(view))}>
            Revert
          </button>
        </div>
        {message && (
          <div role="status" className={Object.keys(errors).length ? 'error-text' : 'muted'} style={{ gridColumn: '1 / -1' }}>
            {message}
          </div>
        )}
      </div>
    </form>
  );
}

export function Channels() {
  const { model } = useDeskContext();
  const can = useCan('channels.get');
  const loaded = useLoaded(() => (can ? model.client.call('channels.get', {}) : Promise.resolve(null)), [model, can, useConfigVersion('channels')]);
  // What our own save returned shows at once; a later read (someone changed the settings) replaces it.
  const [view, setView] = useState<ChannelSettingsView | null>(null);
  useEffect(() => setView(null), [loaded.data]);
  const current = view ?? loaded.data;
  if (!can) return <div className="empty">Channel settings need the admin role.</div>;
  return (
    <div className="split" style={{ gridTemplateColumns: 'minmax(0, 44rem) minmax(0, 1fr)' }}>
      <div className="panel">
        <div className="panel-body">
          {loaded.error && <div className="error-text">{loaded.error}</div>}
          {current ? <ChannelForm key={JSON.stringify(current)} view={current} onSaved={setView} /> : !loaded.error && <div className="empty">Loading…</div>}
        </div>
      </div>
      <div className="panel">
        <div className="panel-body">
          <SendTest />
        </div>
      </div>
    </div>
  );
}
