import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { DeskClientError } from '../../../shared/client';
import { threshold } from '../testing/fixtures';
import { deskHandlers, renderDesk } from '../testing/render';

afterEach(cleanup);

function form() {
  return within(screen.getByRole('form'));
}

describe('the threshold editor', () => {
  it('validates on the client and names the field before anything is sent', async () => {
    const { client, unmount } = await renderDesk({ hash: '#/limits' });
    await screen.findByRole('table', { name: 'Thresholds' });
    fireEvent.keyDown(window, { key: 'n' });
    fireEvent.change(form().getByLabelText(/Hold before firing/), { target: { value: '-1' } });
    fireEvent.click(form().getByRole('button', { name: 'Add threshold' }));
    expect(form().getByLabelText(/^Limit/).getAttribute('aria-invalid')).toBe('true');
    expect(form().getByText('required')).toBeTruthy();
    expect(form().getByLabelText(/Hold before firing/).getAttribute('aria-invalid')).toBe('true');
    expect(client.callsOf('thresholds.create')).toEqual([]);
    unmount();
  });

  it('previews whether the threshold would fire now, as it is typed', async () => {
    const { client, unmount } = await renderDesk({ hash: '#/limits' });
    await screen.findByRole('table', { name: 'Thresholds' });
    fireEvent.click(screen.getByRole('button', { name: /New threshold/ }));
    fireEvent.change(form().getByLabelText(/^Limit/), { target: { value: '-4' } });
    // VaR 95: calm −2%, warm −4.5%, hot −1%: only warm is past −4%.
    await waitFor(() => expect(screen.getByTestId('threshold-preview').textContent).toContain('Yes, on 1 of 3 portfolios'));
    expect(screen.getByTestId('threshold-preview').querySelector('tr[data-fires="true"]')!.textContent).toContain('Warm Book');
    fireEvent.change(form().getByLabelText(/^Limit/), { target: { value: '-6' } });
    await waitFor(() => expect(screen.getByTestId('threshold-preview').textContent).toContain('No (3 portfolios checked)'));
    // The engine was asked with the draft as the API takes it: a fraction.
    expect(client.callsOf('thresholds.preview').at(-1)).toMatchObject({ metric_type: 'var_95', threshold_value: -0.06 });
    unmount();
  });

  it('creates the threshold in fractions and the board picks it up', async () => {
    const handlers = deskHandlers();
    const created: unknown[] = [];
    const base = handlers['thresholds.list']!;
    handlers['thresholds.create'] = (a) => {
      created.push(a);
      return threshold({ ...a, id: 50 });
    };
    handlers['thresholds.list'] = async (a) => [...(await base(a)), ...created.map((c) => threshold({ ...(c as object), id: 50 }))];
    const { client, model, unmount } = await renderDesk({ handlers, hash: '#/limits' });
    await screen.findByRole('table', { name: 'Thresholds' });
    fireEvent.keyDown(window, { key: 'n' });
    fireEvent.change(form().getByLabelText('Portfolio'), { target: { value: 'calm' } });
    fireEvent.change(form().getByLabelText(/^Limit/), { target: { value: '-1.5' } });
    fireEvent.change(form().getByLabelText('Severity'), { target: { value: 'CRITICAL' } });
    fireEvent.click(form().getByRole('button', { name: 'Add threshold' }));
    await waitFor(() => expect(client.callsOf('thresholds.create')).toHaveLength(1));
    expect(client.callsOf('thresholds.create')[0]).toMatchObject({ portfolio_id: 'calm', metric_type: 'var_95', threshold_value: -0.015, severity: 'CRITICAL', comparison_type: 'less_than' });
    await waitFor(() => expect(model.store.getState().board.rows.calm.light).toBe('red'));
    expect(document.querySelector('tr[data-threshold-id="50"]')).toBeTruthy();
    unmount();
  });

  it('shows the server’s per-field errors next to the fields', async () => {
    const handlers = deskHandlers();
    handlers['thresholds.update'] = () => {
      throw new DeskClientError('bad_request', 'invalid input: clear_value: must lie on the safe side of the limit', 400, [{ field: 'clear_value', reason: 'must lie on the safe side of the limit' }]);
    };
    const { unmount } = await renderDesk({ handlers, hash: '#/limits' });
    await screen.findByRole('table', { name: 'Thresholds' });
    fireEvent.doubleClick(document.querySelector('tr[data-threshold-id="1"]')!);
    expect(form().getByLabelText(/^Limit/)).toHaveProperty('value', '-5');
    fireEvent.change(form().getByLabelText(/^Clears past/), { target: { value: '-6' } });
    fireEvent.click(form().getByRole('button', { name: 'Save' }));
    expect(await form().findByText('must lie on the safe side of the limit')).toBeTruthy();
    expect(form().getByLabelText(/^Clears past/).getAttribute('aria-invalid')).toBe('true');
    unmount();
  });

  it('lets a viewer read limits but not change them', async () => {
    const { unmount } = await renderDesk({ hash: '#/limits', role: 'viewer' });
    await screen.findByRole('table', { name: 'Thresholds' });
    expect(screen.queryByRole('button', { name: /New threshold/ })).toBeNull();
    expect(screen.queryByRole('button', { name: 'delete' })).toBeNull();
    unmount();
  });
});

describe('limits edited elsewhere', () => {
  it('show without a reload when the server announces the change; other kinds do not re-read the limits', async () => {
    const handlers = deskHandlers();
    const base = handlers['thresholds.list']!;
    const elsewhere: ReturnType<typeof threshold>[] = [];
    handlers['thresholds.list'] = async (a) => [...(await base(a)), ...elsewhere];
    const { client, model, unmount } = await renderDesk({ handlers, hash: '#/limits' });
    await screen.findByRole('table', { name: 'Thresholds' });
    const reads = client.callsOf('thresholds.list').length;

    // Another client adds a limit on the calm book that its VaR already breaches.
    elsewhere.push(threshold({ id: 60, portfolio_id: 'calm', metric_type: 'var_95', threshold_value: -0.01, comparison_type: 'less_than', severity: 'CRITICAL', description: 'set by bob' }));
    client.emit({ type: 'config_changed', timestamp: '2026-11-26T14:31:00.000Z', kind: 'contacts', ids: [3], actor: 'bob' });
    await waitFor(() => expect(model.store.getState().configVersions.contacts).toBe(1));
    expect(client.callsOf('thresholds.list')).toHaveLength(reads);
    expect(document.querySelector('tr[data-threshold-id="60"]')).toBeNull();

    client.emit({ type: 'config_changed', timestamp: '2026-11-26T14:31:01.000Z', kind: 'thresholds', ids: [60], actor: 'bob' });
    await waitFor(() => expect(document.querySelector('tr[data-threshold-id="60"]')?.textContent).toContain('set by bob'));
    expect(client.callsOf('thresholds.list')).toHaveLength(reads + 1);
    // The board judges by it at once.
    expect(model.store.getState().board.rows.calm.light).toBe('red');
    unmount();
  });
});
