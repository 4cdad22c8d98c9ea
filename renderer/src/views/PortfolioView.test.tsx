import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { echarts } from '../charts/echarts';
import { snapshot } from '../testing/fixtures';
import { deskHandlers, renderDesk } from '../testing/render';
import { PORTFOLIO_CHARTS } from './PortfolioView';

// The fixtures' history and updates are stamped 2026-11-26 14:00 to 14:32, and the charts keep
// only points inside the chosen range (one day back from now): the clock is pinned just after
// them, or the tests would start failing a day after those stamps. Only Date is faked: timers
// (and so waitFor) run as usual.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-11-26T14:35:00.000Z'));
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('the portfolio view', () => {
  it('loads stored history for every charted metric over the chosen range, and refetches on a new range', async () => {
    const handlers = deskHandlers();
    handlers['portfolios.history'] = (a) => ({ portfolio_id: a.id, metric: a.metric, points: [{ ts: '2026-11-26T14:00:00.000Z', value: -0.04, stale: false, resolution: 'raw' }] });
    const { client, unmount } = await renderDesk({ handlers, hash: '#/portfolio/hot' });
    await screen.findByRole('img', { name: 'VaR and CVaR chart' });
    const metrics = PORTFOLIO_CHARTS.flatMap((c) => c.metrics);
    await waitFor(() => expect(client.callsOf('portfolios.history')).toHaveLength(metrics.length));
    const first = client.callsOf('portfolios.history') as { id: string; metric: string; since: string }[];
    expect(new Set(first.map((c) => c.metric))).toEqual(new Set(metrics));
    expect(first.every((c) => c.id === 'hot')).toBe(true);
    // Default range: one day.
    expect(Date.now() - Date.parse(first[0].since)).toBeGreaterThan(86_000_000);
    fireEvent.click(within(screen.getByRole('group', { name: 'Time range' })).getByRole('button', { name: 'All' }));
    await waitFor(() => expect(client.callsOf('portfolios.history')).toHaveLength(2 * metrics.length));
    expect((client.callsOf('portfolios.history').at(-1) as { since?: string }).since).toBeUndefined();
    unmount();
  });

  it('shows every figure with its light and utilisation, and follows live updates', async () => {
    const { client, unmount } = await renderDesk({ hash: '#/portfolio/warm' });
    const tiles = await screen.findByLabelText('Figures');
    const var95 = tiles.querySelector('[data-metric="var_95"]')!;
    expect(var95.getAttribute('data-light')).toBe('amber');
    expect(var95.textContent).toContain('−4.50%');
    expect(var95.textContent).toContain('90%');
    expect(tiles.querySelector('[data-metric="sortino_ratio"]')!.getAttribute('data-light')).toBe('none');
    act(() => client.emit({ type: 'risk_metrics_update', timestamp: '2026-11-26T14:32:00.000Z', portfolio_id: 'warm', metrics: snapshot('warm', { var_95: -0.051, timestamp: '2026-11-26T14:32:00.000Z' }) }));
    await waitFor(() => expect(tiles.querySelector('[data-metric="var_95"]')!.getAttribute('data-light')).toBe('red'));
    unmount();
  });

  it('shows the largest positions, component VaR, the correlation of holdings and the VaR backtest', async () => {
    const { client, unmount } = await renderDesk({ hash: '#/portfolio/hot' });
    const top = await screen.findByRole('region', { name: 'Top positions' });
    expect(top.textContent).toContain('HHI 0.080');
    expect(top.textContent).toContain('3 holdings');
    expect(within(top).getByRole('img', { name: 'Top positions chart' })).toBeTruthy();
    const cvar = screen.getByRole('region', { name: 'Component VaR' });
    expect(cvar.textContent).toContain('portfolio −3.00%');
    expect(within(screen.getByRole('region', { name: 'Correlation of holdings' })).getByRole('img', { name: 'Correlation heatmap' })).toBeTruthy();
    const bt = screen.getByRole('region', { name: 'VaR backtest' });
    expect([...within(bt).getAllByRole('row')[1].querySelectorAll('td')].map((td) => td.textContent)).toEqual(['95%', '250', '14', '12.5', '0.670', '● passed']);
    expect(client.callsOf('portfolios.detail')).toEqual([{ id: 'hot' }]);
    unmount();
  });

  it('redraws its charts only for its own portfolio, sending ECharts just the new points, and leaves the detail charts alone', async () => {
    const handlers = deskHandlers();
    handlers['portfolios.history'] = (a) => ({ portfolio_id: a.id, metric: a.metric, points: [{ ts: '2026-11-26T14:00:00.000Z', value: -0.04, stale: false, resolution: 'raw' }] });
    const { client, model, unmount } = await renderDesk({ handlers, hash: '#/portfolio/hot' });
    const lineLabels = PORTFOLIO_CHARTS.map((c) => `${c.title} chart`);
    const detailLabels = ['Top positions chart', 'Component VaR chart', 'Correlation heatmap'];
    for (const label of [...lineLabels, ...detailLabels]) await screen.findByRole('img', { name: label });
    const chart = (label: string) => echarts.getInstanceByDom(screen.getByRole('img', { name: label }))!;
    type Drawn = { series?: { id?: string; data?: ArrayLike<number> }[] };
    const drawn = (label: string) => ((chart(label).getOption() ?? {}) as Drawn).series ?? [];
    // Settled: every line chart shows its history and the figures the view opened with, every detail chart its rows.
    await waitFor(() => {
      for (const label of lineLabels) expect(drawn(label).every((s) => s.data?.length === 4)).toBe(true);
      for (const label of detailLabels) expect(drawn(label)[0]?.data?.length).toBeGreaterThan(0);
    });
    const spies = Object.fromEntries([...lineLabels, ...detailLabels].map((label) => [label, vi.spyOn(chart(label), 'setOption')]));

    // Another portfolio's figures: applied to the store, nothing here redraws (checked below: the
    // queue draws in order, so a redraw for it would come before the one for our own update).
    act(() => client.emit({ type: 'risk_metrics_update', timestamp: '2026-11-26T14:31:00.000Z', portfolio_id: 'calm', metrics: snapshot('calm', { timestamp: '2026-11-26T14:31:00.000Z' }) }));
    await waitFor(() => expect(model.store.getState().snapshots.calm.timestamp).toBe('2026-11-26T14:31:00.000Z'));

    // Our own: each line chart gets one update holding only its series' points and the value axis.
    const t = '2026-11-26T14:32:00.000Z';
    act(() => client.emit({ type: 'risk_metrics_update', timestamp: t, portfolio_id: 'hot', metrics: snapshot('hot', { var_95: -0.051, timestamp: t }) }));
    await waitFor(() => {
      for (const label of lineLabels) expect(spies[label]).toHaveBeenCalled();
    });
    for (const [i, label] of lineLabels.entries()) {
      expect(spies[label]).toHaveBeenCalledTimes(1);
      const update = spies[label].mock.calls[0][0] as { yAxis: object; series: { id: string; data: Float64Array }[] };
      expect(Object.keys(update).sort()).toEqual(['series', 'yAxis']);
      expect(update.series.map((s) => s.id)).toEqual(PORTFOLIO_CHARTS[i].metrics);
      for (const s of update.series) expect(Object.keys(s).sort()).toEqual(['data', 'id']);
    }
    const var95 = (spies['VaR and CVaR chart'].mock.calls[0][0] as { series: { data: Float64Array }[] }).series[0].data;
    expect([...var95]).toEqual([Date.parse('2026-11-26T14:00:00.000Z'), -0.04, Date.parse('2026-11-26T14:30:00.000Z'), -0.01, Date.parse(t), -0.051]);
    for (const label of detailLabels) expect(spies[label]).not.toHaveBeenCalled();
    unmount();
  });

  it('switches portfolio from the picker and names an unknown one', async () => {
    const { ui, unmount } = await renderDesk({ hash: '#/portfolio/nope' });
    expect(await screen.findByText('No portfolio "nope".')).toBeTruthy();
    act(() => ui.setState({ route: { view: 'portfolio', arg: 'calm' } }));
    const picker = await screen.findByRole('combobox', { name: 'Portfolio' });
    fireEvent.change(picker, { target: { value: 'hot' } });
    expect(ui.getState().route).toEqual({ view: 'portfolio', arg: 'hot' });
    unmount();
  });
});
