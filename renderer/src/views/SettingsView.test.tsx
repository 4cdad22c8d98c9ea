import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Silence } from '../../../shared/alerts';
import { DeskClientError } from '../../../shared/client';
import type { Contact } from '../../../shared/domain';
import type { ChannelSettingsView, EscalationRule, NotificationTemplate } from '../../../shared/notify';
import { T0 } from '../testing/fixtures';
import { deskHandlers, renderDesk } from '../testing/render';

afterEach(cleanup);

const form = (name: string | RegExp) => within(screen.getByRole('form', { name }));

describe('settings: silences', () => {
  it('checks the silence with the contract before sending, then adds it for the chosen time', async () => {
    const handlers = deskHandlers();
    const saved: Silence[] = [];
    handlers['silences.list'] = () => saved.slice();
    handlers['silences.create'] = (s) => {
      const row: Silence = { id: saved.length + 1, portfolio_id: s.portfolio_id, metric_type: s.metric_type, severity: s.severity, starts_at: s.starts_at!, ends_at: s.ends_at, reason: s.reason, author: 'ana', created_at: s.starts_at! };
      saved.push(row);
      return row;
    };
    const { client, unmount } = await renderDesk({ handlers, hash: '#/settings/silences' });
    await screen.findByRole('table', { name: 'Silences' });
    fireEvent.click(form('New silence').getByRole('button', { name: 'Silence' }));
    // Matches nothing and has no reason: both named, nothing sent.
    expect(form('New silence').getByText(/must match on at least one/)).toBeTruthy();
    expect(client.callsOf('silences.create')).toEqual([]);
    fireEvent.change(form('New silence').getByLabelText('Portfolio'), { target: { value: 'hot' } });
    fireEvent.change(form('New silence').getByLabelText('For'), { target: { value: String(4 * 3600_000) } });
    fireEvent.click(form('New silence').getByRole('button', { name: 'Silence' }));
    expect(form('New silence').getByText('a silence needs a reason')).toBeTruthy();
    fireEvent.change(form('New silence').getByLabelText('Reason'), { target: { value: 'planned rebalance' } });
    fireEvent.click(form('New silence').getByRole('button', { name: 'Silence' }));
    await waitFor(() => expect(client.callsOf('silences.create')).toHaveLength(1));
    const sent = client.callsOf('silences.create')[0] as { portfolio_id: string; starts_at: string; ends_at: string; reason: string; metric_type: null };
    expect(sent).toMatchObject({ portfolio_id: 'hot', metric_type: null, reason: 'planned rebalance' });
    expect(Date.parse(sent.ends_at) - Date.parse(sent.starts_at)).toBe(4 * 3600_000);
    await waitFor(() => expect(document.querySelector('tr[data-silence-id="1"]')!.textContent).toContain('Hot Book'));
    expect(document.querySelector('tr[data-silence-id="1"]')!.textContent).toMatch(/3h 59m left|4h 00m left/);
    unmount();
  });
});

const contacts: Contact[] = [
  { id: 1, name: 'Ana On-Call', role: 'on_call_risk', email: 'ana@desk.example', phone: '+14155550100', webhook_url: null, enabled: true },
  { id: 2, name: 'Ben Head', role: 'head_of_risk', email: 'ben@desk.example', phone: null, webhook_url: null, enabled: true },
];

describe('settings: escalation rules and contacts', () => {
  it('names a step whose delay comes before the previous one, and sends contacts and roles as recipients', async () => {
    const handlers = deskHandlers();
    const rules: EscalationRule[] = [];
    handlers['contacts.list'] = () => contacts;
    handlers['escalation.list'] = () => rules.slice();
    handlers['escalation.create'] = (r) => {
      const rule: EscalationRule = { ...r, id: 1, portfolio_id: r.portfolio_id, created_at: T0, updated_at: T0, steps: r.steps.map((s, i) => ({ ...s, id: i + 1, step_order: i })) };
      rules.push(rule);
      return rule;
    };
    const { client, unmount } = await renderDesk({ handlers, role: 'admin', hash: '#/settings/escalation' });
    fireEvent.click(await screen.findByRole('button', { name: 'New rule' }));
    const f = form('New escalation rule');
    fireEvent.change(f.getByLabelText('Name'), { target: { value: 'HIGH desk-wide' } });
    fireEvent.change(f.getByLabelText('Level', { selector: '#er-s0-level' }), { target: { value: 'on-call' } });
    fireEvent.change(f.getByLabelText('Contacts', { selector: '#er-s0-contacts' }), { target: { value: '1' } });
    (f.getByLabelText('Contacts', { selector: '#er-s0-contacts' }) as HTMLSelectElement).options[0].selected = true;
    fireEvent.change(f.getByLabelText('Contacts', { selector: '#er-s0-contacts' }));
    fireEvent.click(f.getByRole('button', { name: 'Add step' }));
    fireEvent.change(f.getByLabelText('Level', { selector: '#er-s1-level' }), { target: { value: 'head of risk' } });
    fireEvent.change(f.getByLabelText('After (minutes)', { selector: '#er-s1-delay' }), { target: { value: '-5' } });
    fireEvent.change(f.getByLabelText('Roles', { selector: '#er-s1-roles' }), { target: { value: 'head_of_risk, cro' } });
    fireEvent.click(f.getByRole('button', { name: 'Add rule' }));
    expect(f.getByLabelText('After (minutes)', { selector: '#er-s1-delay' }).getAttribute('aria-invalid')).toBe('true');
    expect(client.callsOf('escalation.create')).toEqual([]);
    fireEvent.change(f.getByLabelText('After (minutes)', { selector: '#er-s1-delay' }), { target: { value: '15' } });
    fireEvent.click(f.getByRole('button', { name: 'Add rule' }));
    await waitFor(() => expect(client.callsOf('escalation.create')).toHaveLength(1));
    expect(client.callsOf('escalation.create')[0]).toMatchObject({
      name: 'HIGH desk-wide',
      portfolio_id: null,
      steps: [
        { level: 'on-call', delay_minutes: 0, recipients: [{ contact_id: 1 }], channels: ['email'] },
        { level: 'head of risk', delay_minutes: 15, recipients: [{ role: 'head_of_risk' }, { role: 'cro' }], channels: ['email'] },
      ],
    });
    const card = await screen.findByRole('region', { name: 'Rule HIGH desk-wide' });
    expect(card.textContent).toContain('+15 min · head of risk · email → role head_of_risk, role cro');
    expect(card.textContent).toContain('Ana On-Call');
    unmount();
  });

  it('refuses a phone number that is not E.164, with the contract’s reason', async () => {
    const handlers = deskHandlers();
    handlers['contacts.list'] = () => contacts;
    const { client, unmount } = await renderDesk({ handlers, role: 'admin', hash: '#/settings/contacts' });
    fireEvent.click(await screen.findByRole('button', { name: 'New contact' }));
    const f = form('New contact');
    fireEvent.change(f.getByLabelText('Name'), { target: { value: 'Cy' } });
    fireEvent.change(f.getByLabelText('Phone'), { target: { value: '0044 20 7946 0000' } });
    fireEvent.click(f.getByRole('button', { name: 'Add contact' }));
    expect(f.getByText(/E\.164, e\.g\. \+14155550100/, { selector: '.field-error' })).toBeTruthy();
    expect(client.callsOf('contacts.create')).toEqual([]);
    unmount();
  });

  it('shows contacts changed by another client without a reload', async () => {
    const handlers = deskHandlers();
    const list = [...contacts];
    handlers['contacts.list'] = () => list.slice();
    handlers['escalation.list'] = () => [];
    const { client, model, unmount } = await renderDesk({ handlers, role: 'admin', hash: '#/settings/contacts' });
    await screen.findByText('Ana On-Call');
    list.push({ id: 3, name: 'Cy Elsewhere', role: 'cro', email: 'cy@desk.example', phone: null, webhook_url: null, enabled: true });
    const reads = client.callsOf('contacts.list').length;
    // A change of another kind leaves the contacts alone.
    client.emit({ type: 'config_changed', timestamp: T0, kind: 'templates', ids: ['digest'], actor: 'bob' });
    await waitFor(() => expect(model.store.getState().configVersions.templates).toBe(1));
    await new Promise((r) => setTimeout(r, 20));
    expect(client.callsOf('contacts.list')).toHaveLength(reads);
    expect(screen.queryByText('Cy Elsewhere')).toBeNull();
    client.emit({ type: 'config_changed', timestamp: T0, kind: 'contacts', ids: [3], actor: 'bob' });
    expect(await screen.findByText('Cy Elsewhere')).toBeTruthy();
    expect(client.callsOf('contacts.list')).toHaveLength(reads + 1);
    unmount();
  });

  it('lets a risk manager read contacts but not change them', async () => {
    const handlers = deskHandlers();
    handlers['contacts.list'] = () => contacts;
    const { unmount } = await renderDesk({ handlers, role: 'risk_manager', hash: '#/settings/contacts' });
    await screen.findByText('Ana On-Call');
    expect(screen.queryByRole('button', { name: 'New contact' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'delete' })).toBeNull();
    unmount();
  });
});

describe('settings: templates', () => {
  const template: NotificationTemplate = { kind: 'new_alert', subject: '[{{ severity }}] {{ portfolio_name }}', body: '{{ metric_label }} is {{ current_value }}', sms: '{{ severity }} {{ portfolio }}', updated_at: T0 };

  it('renders a live preview of the draft through the engine, and shows a refused save by field', async () => {
    const handlers = deskHandlers();
    handlers['templates.list'] = () => [template, { ...template, kind: 'escalation' }, { ...template, kind: 'resolution' }, { ...template, kind: 'digest' }];
    handlers['templates.preview'] = ({ draft }) => {
      if (draft.body.includes('| nope')) throw new DeskClientError('bad_request', 'new_alert template, body, line 1, column 4: undefined filter: nope', 400, [{ field: 'draft.body', reason: 'line 1, column 4: undefined filter: nope' }]);
      const fill = (s: string) => s.replace('{{ severity }}', 'HIGH').replace('{{ portfolio_name }}', 'Hot Book').replace('{{ metric_label }}', 'Leverage').replace('{{ current_value }}', '3.60').replace('{{ portfolio }}', 'hot');
      return { subject: fill(draft.subject), body: fill(draft.body), sms: fill(draft.sms), sms_length: fill(draft.sms).length, sms_truncated: false };
    };
    handlers['templates.update'] = () => {
      throw new DeskClientError('bad_request', 'invalid input: subject: Too small', 400, [{ field: 'subject', reason: 'must not be empty' }]);
    };
    const { client, unmount } = await renderDesk({ handlers, role: 'admin', hash: '#/settings/templates' });
    const preview = await screen.findByTestId('template-preview');
    await waitFor(() => expect(preview.textContent).toContain('[HIGH] Hot Book'));
    fireEvent.change(screen.getByLabelText('Body'), { target: { value: 'Now {{ current_value }} on {{ portfolio_name }}' } });
    await waitFor(() => expect(screen.getByTestId('template-preview').textContent).toContain('Now 3.60 on Hot Book'));
    expect(client.callsOf('templates.preview').at(-1)).toMatchObject({ kind: 'new_alert', draft: { body: 'Now {{ current_value }} on {{ portfolio_name }}' } });
    fireEvent.change(screen.getByLabelText('Body'), { target: { value: '{{ x | nope }}' } });
    await waitFor(() => expect(screen.getByText('line 1, column 4: undefined filter: nope')).toBeTruthy());
    expect(screen.getByLabelText('Body').getAttribute('aria-invalid')).toBe('true');
    fireEvent.change(screen.getByLabelText('Body'), { target: { value: 'fine' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('must not be empty')).toBeTruthy();
    unmount();
  });
});

describe('settings: channels', () => {
  const view: ChannelSettingsView = {
    email: { host: 'smtp.desk.example', port: 587, security: 'starttls', username: 'risk', password_set: true, from: 'risk@desk.example', configured: true },
    sms: { provider: null, twilio_account_sid: null, twilio_auth_token_set: false, twilio_from: null, sns_region: null, validity_minutes: 30, configured: false },
    desktop: { enabled: true },
    webhook: { enabled: false },
    fallback_after_seconds: 120,
    sources: { 'email.host': 'env', 'email.password': 'saved' },
  };

  it('shows secrets only as set or not, sends only what changed, and a new secret only when typed', async () => {
    const handlers = deskHandlers();
    handlers['channels.get'] = () => view;
    handlers['channels.update'] = () => ({ ...view, email: { ...view.email, port: 465, security: 'tls' } });
    const { client, unmount } = await renderDesk({ handlers, role: 'admin', hash: '#/settings/channels' });
    const password = (await screen.findByLabelText('Password')) as HTMLInputElement;
    expect(password.value).toBe('');
    expect(password.placeholder).toContain('(set)');
    expect(screen.getByText('from env')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Port'), { target: { value: '465' } });
    fireEvent.change(screen.getByLabelText('Security'), { target: { value: 'tls' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(client.callsOf('channels.update')).toHaveLength(1));
    expect(client.callsOf('channels.update')[0]).toEqual({ email: { port: 465, security: 'tls' } });
    fireEvent.change(await screen.findByLabelText('Password'), { target: { value: 's3cret' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(client.callsOf('channels.update')).toHaveLength(2));
    expect(client.callsOf('channels.update')[1]).toEqual({ email: { password: 's3cret' } });
    unmount();
  });

  it('clears a secret with null, and sends a test message showing the outcome', async () => {
    const handlers = deskHandlers();
    handlers['channels.get'] = () => view;
    handlers['channels.update'] = () => ({ ...view, email: { ...view.email, password_set: false } });
    handlers['channels.test'] = (r) => ({ ok: false, channel: r.channel, provider_id: null, error: '535 authentication failed', permanent: true });
    const { client, unmount } = await renderDesk({ handlers, role: 'admin', hash: '#/settings/channels' });
    await screen.findByLabelText('Password');
    fireEvent.click(screen.getByLabelText('clear'));
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(client.callsOf('channels.update')).toEqual([{ email: { password: null } }]));
    fireEvent.change(screen.getByLabelText('Recipient'), { target: { value: 'ana@desk.example' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send test' }));
    expect((await screen.findByTestId('test-result')).textContent).toBe('■ failed (permanent): 535 authentication failed');
    expect(client.callsOf('channels.test')).toEqual([{ channel: 'email', to: 'ana@desk.example' }]);
    unmount();
  });

  it('is not offered below admin', async () => {
    const { client, unmount } = await renderDesk({ role: 'risk_manager', hash: '#/settings/channels' });
    expect(await screen.findByText('Channel settings need the admin role.')).toBeTruthy();
    expect(client.callsOf('channels.get')).toEqual([]);
    unmount();
  });
});

describe('settings: drill', () => {
  it('shocks a portfolio through the simulated feed and says what moved, or why not', async () => {
    const handlers = deskHandlers();
    handlers['feed.shock'] = (a) => {
      if (a.move < -0.5) throw new DeskClientError('conflict', 'shocks need the simulated feed; the websocket feed is running', 409);
      return { symbols: ['AAPL', 'MSFT'], move: a.move };
    };
    const { client, unmount } = await renderDesk({ handlers, hash: '#/settings/drill' });
    const f = form('Drill');
    fireEvent.change(f.getByLabelText('Portfolio'), { target: { value: 'hot' } });
    fireEvent.change(f.getByLabelText('Move (%)'), { target: { value: '-25' } });
    fireEvent.click(f.getByRole('button', { name: 'Shock prices' }));
    expect((await f.findByRole('status')).textContent).toBe('Moved 2 symbols by −25.0%.');
    expect(client.callsOf('feed.shock')).toEqual([{ portfolio_id: 'hot', move: -0.25 }]);
    fireEvent.change(f.getByLabelText('Move (%)'), { target: { value: '-60' } });
    fireEvent.click(f.getByRole('button', { name: 'Shock prices' }));
    await waitFor(() => expect(f.getByRole('status').textContent).toContain('shocks need the simulated feed'));
    unmount();
  });

  it('is not offered to a viewer', async () => {
    const { unmount } = await renderDesk({ role: 'viewer', hash: '#/settings/drill' });
    expect(await screen.findByText('Drills need the risk manager role.')).toBeTruthy();
    unmount();
  });
});
