import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { DeskClientError } from '../../../shared/client';
import { alert } from '../testing/fixtures';
import { deskHandlers, renderDesk } from '../testing/render';

afterEach(cleanup);

const ackedAt = '2026-11-26T14:35:00.000Z';

describe('alerts', () => {
  it('acknowledges the selected alert with `a` and a comment, and shows who acknowledged', async () => {
    const handlers = deskHandlers();
    handlers['alerts.acknowledge'] = (a) => alert({ id: a.id, portfolio_id: 'hot', metric_type: 'leverage_ratio', comparison_type: 'greater_than', current_value: 3.6, threshold_value: 3, status: 'ACKNOWLEDGED', acknowledged_by: 'ana', acknowledged_at: ackedAt, updated_at: ackedAt });
    const { client, ui, unmount } = await renderDesk({ handlers });
    const panel = await screen.findByRole('listbox', { name: 'Open alerts' });
    await waitFor(() => expect(within(panel).getAllByRole('option')).toHaveLength(1));
    fireEvent.keyDown(window, { key: 'J' });
    expect(ui.getState().selectedAlert).toBe(77);
    fireEvent.keyDown(window, { key: 'a' });
    const dialog = screen.getByRole('dialog', { name: 'Acknowledge alert' });
    fireEvent.change(within(dialog).getByLabelText(/Comment/), { target: { value: 'cutting gross now' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Acknowledge' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(client.callsOf('alerts.acknowledge')).toEqual([{ id: 77, comment: 'cutting gross now' }]);
    const item = within(panel).getByRole('option');
    expect(item.getAttribute('data-status')).toBe('ACKNOWLEDGED');
    expect(item.textContent).toContain('ana');
    unmount();
  });

  it('on the desk, `r` resolves the selected portfolio’s open alert', async () => {
    const handlers = deskHandlers();
    handlers['alerts.resolve'] = (a) => alert({ id: a.id, portfolio_id: 'hot', status: 'RESOLVED', resolved_by: 'ana', resolved_at: ackedAt, resolution: a.reason, updated_at: ackedAt });
    const { client, unmount } = await renderDesk({ handlers });
    await waitFor(() => expect(document.querySelector('[data-portfolio="hot"]')).toBeTruthy());
    fireEvent.keyDown(window, { key: 'j' });
    fireEvent.keyDown(window, { key: 'r' });
    const dialog = screen.getByRole('dialog', { name: 'Resolve alert' });
    fireEvent.change(within(dialog).getByLabelText('Reason'), { target: { value: 'limit raised by CRO' } });
    fireEvent.keyDown(within(dialog).getByLabelText('Reason'), { key: 'Enter', ctrlKey: true });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(client.callsOf('alerts.resolve')).toEqual([{ id: 77, reason: 'limit raised by CRO' }]);
    expect(screen.getByText('No open alerts.')).toBeTruthy();
    unmount();
  });

  it('keeps the dialog open and shows the server’s refusal', async () => {
    const handlers = deskHandlers();
    handlers['alerts.acknowledge'] = () => {
      throw new DeskClientError('conflict', 'alert 77 is already resolved', 409);
    };
    const { unmount } = await renderDesk({ handlers });
    await waitFor(() => expect(screen.getAllByRole('option')).toHaveLength(1));
    fireEvent.click(screen.getByRole('button', { name: 'Acknowledge' }));
    const dialog = screen.getByRole('dialog');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Acknowledge' }));
    expect((await within(dialog).findByRole('alert')).textContent).toContain('already resolved');
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    unmount();
  });

  it('offers no acknowledge or resolve to a viewer', async () => {
    const { unmount } = await renderDesk({ role: 'viewer' });
    await waitFor(() => expect(screen.getAllByRole('option')).toHaveLength(1));
    expect(screen.queryByRole('button', { name: 'Acknowledge' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Resolve' })).toBeNull();
    unmount();
  });

  it('shows a new alert pushed live, and its timeline from the engine, read again when an escalation step is pushed', async () => {
    const handlers = deskHandlers();
    const steps: { at: string; source: string; kind: string; actor: string; summary: string }[] = [
      { at: '2026-11-26T14:40:00.000Z', source: 'alerts', kind: 'triggered', actor: 'system', summary: 'triggered: VaR 95% −5.20% < −5.00%' },
      { at: '2026-11-26T14:40:01.000Z', source: 'notify', kind: 'notification', actor: 'system', summary: 'email to on-call: sent' },
    ];
    handlers['alerts.timeline'] = () => steps.slice();
    const { client, unmount } = await renderDesk({ handlers, hash: '#/alerts/live' });
    await screen.findByRole('table', { name: 'Alerts' });
    const fresh = alert({ id: 90, portfolio_id: 'warm', severity: 'CRITICAL', triggered_at: '2026-11-26T14:40:00.000Z', updated_at: '2026-11-26T14:40:00.000Z' });
    act(() => client.emit({ type: 'new_alert', timestamp: fresh.triggered_at, alert: fresh }));
    await waitFor(() => expect(document.querySelector('tr[data-alert-id="90"]')).toBeTruthy());
    // Needs action first: the CRITICAL one leads.
    expect(document.querySelector('tbody tr')!.getAttribute('data-alert-id')).toBe('90');
    fireEvent.keyDown(window, { key: 'j' });
    const timeline = await screen.findByRole('list', { name: 'Timeline' });
    expect(within(timeline).getAllByRole('listitem').map((li) => li.getAttribute('data-kind'))).toEqual(['triggered', 'notification']);
    expect(timeline.textContent).toContain('email to on-call: sent');
    steps.push({ at: '2026-11-26T14:45:00.000Z', source: 'escalation', kind: 'escalation', actor: 'system', summary: 'step 1 (head of risk) by sms to +14155550100' });
    act(() => client.emit({ type: 'escalation', timestamp: '2026-11-26T14:45:00.000Z', alert_id: 90, portfolio_id: 'warm', step: 1, level: 'head_of_risk', channel: 'sms', recipients: ['+14155550100'] }));
    await waitFor(() => expect(within(screen.getByRole('list', { name: 'Timeline' })).getAllByRole('listitem')).toHaveLength(3));
    expect(screen.getByRole('list', { name: 'Timeline' }).lastElementChild!.className).toBe('escalation');
    expect(client.callsOf('alerts.timeline')).toEqual([{ id: 90 }, { id: 90 }]);
    unmount();
  });

  it('filters the history on the server by severity, status, portfolio and time', async () => {
    const handlers = deskHandlers();
    const { client, unmount } = await renderDesk({ handlers, hash: '#/alerts/history' });
    const filters = within(await screen.findByRole('group', { name: 'Alert filters' }));
    fireEvent.change(filters.getByLabelText('Severity'), { target: { value: 'CRITICAL' } });
    fireEvent.change(filters.getByLabelText('Status'), { target: { value: 'RESOLVED' } });
    fireEvent.change(filters.getByLabelText('Portfolio'), { target: { value: 'hot' } });
    fireEvent.change(filters.getByLabelText('Time'), { target: { value: '7d' } });
    await waitFor(() => {
      const last = client.callsOf('alerts.list').at(-1) as Record<string, unknown>;
      expect(last).toMatchObject({ severity: 'CRITICAL', status: 'RESOLVED', portfolio_id: 'hot', limit: 200 });
      expect(Date.now() - Date.parse(last.since as string)).toBeGreaterThan(6.9 * 86400_000);
    });
    unmount();
  });

  it('computes statistics over the fetched alerts', async () => {
    const handlers = deskHandlers();
    const t = (m: number) => new Date(Date.parse('2026-11-26T10:00:00.000Z') + m * 60_000).toISOString();
    handlers['alerts.list'] = (a) =>
      a.status
        ? { items: [], next_cursor: null }
        : {
            items: [
              alert({ id: 1, severity: 'HIGH', status: 'RESOLVED', triggered_at: t(0), acknowledged_at: t(2), resolved_at: t(30) }),
              alert({ id: 2, severity: 'CRITICAL', status: 'ACKNOWLEDGED', triggered_at: t(0), acknowledged_at: t(10) }),
              alert({ id: 3, severity: 'HIGH', status: 'TRIGGERED', triggered_at: t(5) }),
            ],
            next_cursor: null,
          };
    handlers['alerts.stats'] = (a) => ({
      since: a.since ?? null,
      total: 3,
      by_severity: { LOW: 0, MEDIUM: 0, HIGH: 2, CRITICAL: 1 },
      by_status: { TRIGGERED: 1, ACKNOWLEDGED: 1, RESOLVED: 1 },
      flapping: 0,
      mean_time_to_acknowledge_seconds: 360,
      mean_time_to_resolve_seconds: 1800,
    });
    const { client, unmount } = await renderDesk({ handlers, hash: '#/alerts/stats' });
    const stats = await screen.findByTestId('alert-stats');
    const ack = within(stats).getByText('Time to acknowledge').closest('tr')!;
    // Mean from the engine; spread from the two acknowledged alerts (2 min and 10 min).
    expect([...ack.querySelectorAll('td')].map((td) => td.textContent)).toEqual(['6m 00s', '2m 00s', '10m 00s', '10m 00s']);
    const res = within(stats).getByText('Time to resolve').closest('tr')!;
    expect([...res.querySelectorAll('td')].map((td) => td.textContent)).toEqual(['30m 00s', '30m 00s', '30m 00s', '30m 00s']);
    expect(within(stats).getByText('By severity').closest('section')!.textContent).toContain('CRIT1');
    // Both ask for the same period.
    const since = (client.callsOf('alerts.stats')[0] as { since: string }).since;
    expect(client.callsOf('alerts.list').some((c) => (c as { since?: string }).since === since)).toBe(true);
    unmount();
  });
});
