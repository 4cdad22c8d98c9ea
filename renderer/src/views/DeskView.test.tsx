import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { snapshot } from '../testing/fixtures';
import { renderDesk } from '../testing/render';

afterEach(cleanup);

function offset(row: HTMLElement): number {
  return Number(/translateY\(([-\d.]+)px\)/.exec(row.style.transform)?.[1] ?? NaN);
}

/** Rows in the order they are shown (their DOM order is kept stable; position says where they are). */
function rows() {
  return screen
    .getAllByRole('row')
    .filter((r) => r.hasAttribute('data-portfolio'))
    .sort((a, b) => offset(a) - offset(b));
}

describe('the desk grid', () => {
  it('shows every portfolio worst first, each light as a shape and a word, not colour alone', async () => {
    const { unmount } = await renderDesk();
    await waitFor(() => expect(rows().map((r) => r.getAttribute('data-portfolio'))).toEqual(['hot', 'warm', 'calm']));
    const [hot, warm, calm] = rows();
    expect(within(hot).getByText('BREACH')).toBeTruthy();
    expect(within(hot).getAllByText('■', { selector: '.glyph' }).length).toBeGreaterThan(0);
    expect(within(warm).getByText('WARN')).toBeTruthy();
    expect(within(calm).getByText('OK')).toBeTruthy();
    // Leverage 3.6 against a limit of 3: 120% used, shown as text.
    const lev = hot.querySelector('[data-metric="leverage_ratio"]')!;
    expect(lev.getAttribute('data-light')).toBe('red');
    expect(lev.textContent).toContain('3.60×');
    expect(lev.textContent).toContain('120%');
    expect(warm.querySelector('[data-metric="var_95"]')!.textContent).toContain('−4.50%');
    expect(screen.getByTestId('desk-score').textContent).toContain('120%');
    unmount();
  });

  it('filters instantly on name, and `/` focuses the filter', async () => {
    const { unmount } = await renderDesk();
    await waitFor(() => expect(rows()).toHaveLength(3));
    fireEvent.keyDown(window, { key: '/' });
    const input = screen.getByLabelText('Filter portfolios');
    expect(document.activeElement).toBe(input);
    fireEvent.change(input, { target: { value: 'warm' } });
    expect(rows().map((r) => r.getAttribute('data-portfolio'))).toEqual(['warm']);
    fireEvent.click(screen.getByRole('button', { name: 'Breaches' }));
    expect(rows()).toHaveLength(0);
    expect(screen.getByText('No portfolio matches the filter.')).toBeTruthy();
    unmount();
  });

  it('moves the selection with j/k and opens the portfolio with Enter', async () => {
    const { ui, unmount } = await renderDesk();
    await waitFor(() => expect(rows()).toHaveLength(3));
    fireEvent.keyDown(window, { key: 'j' });
    fireEvent.keyDown(window, { key: 'j' });
    expect(ui.getState().selectedPortfolio).toBe('warm');
    expect(rows()[1].getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(window, { key: 'k' });
    expect(ui.getState().selectedPortfolio).toBe('hot');
    fireEvent.keyDown(window, { key: 'Enter' });
    expect(ui.getState().route).toEqual({ view: 'portfolio', arg: 'hot' });
    unmount();
  });

  it('turns a light red when a pushed update breaches, once the frame is applied', async () => {
    const { client, unmount } = await renderDesk();
    await waitFor(() => expect(rows()).toHaveLength(3));
    act(() => {
      client.emit({ type: 'risk_metrics_update', timestamp: '2026-11-26T14:31:00.000Z', portfolio_id: 'calm', metrics: snapshot('calm', { var_95: -0.062, timestamp: '2026-11-26T14:31:00.000Z' }) });
    });
    await waitFor(() => expect(document.querySelector('[data-portfolio="calm"] [data-metric="var_95"]')!.getAttribute('data-light')).toBe('red'));
    expect(document.querySelector('[data-portfolio="calm"] [data-metric="var_95"]')!.textContent).toContain('124%');
    unmount();
  });

  it('greys every light and says so while disconnected', async () => {
    const { client, unmount } = await renderDesk();
    await waitFor(() => expect(rows()).toHaveLength(3));
    act(() => client.setConnection('reconnecting'));
    expect(rows().every((r) => r.getAttribute('data-light') === 'grey')).toBe(true);
    expect(screen.getByText(/figures are frozen and shown grey/)).toBeTruthy();
    expect(screen.getByTestId('connection').getAttribute('data-state')).toBe('reconnecting');
    unmount();
  });

  it('renders only the visible rows of a large book', async () => {
    const handlers = (await import('../testing/render')).deskHandlers();
    const { portfolio } = await import('../testing/fixtures');
    const many = Array.from({ length: 500 }, (_, i) => portfolio(`p${i}`));
    handlers['portfolios.list'] = () => many;
    handlers['risk.latest'] = () => many.map((p) => snapshot(p.id));
    const { unmount } = await renderDesk({ handlers });
    await waitFor(() => expect(screen.getByText('500 of 500 portfolios')).toBeTruthy(), { timeout: 5000 });
    expect(rows().length).toBeGreaterThan(10);
    expect(rows().length).toBeLessThan(100);
    unmount();
  });
});
