// The dashboard in Chromium against `risk-desk serve` on a temporary database with the demo book
// and the simulated feed: the book renders, a limit another client adds shows without a reload, a
// shock turns a light red and raises an alert, an alert is acknowledged and resolved through the
// UI, a threshold edited in the UI takes effect, and the portfolio view draws its live charts.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, launchChromium, openDashboard, serveDesk, type ServedDesk } from './support/desk';

interface AlertRow {
  id: number;
  portfolio_id: string;
  metric_type: string;
  status: string;
}

describe('the dashboard against risk-desk serve', () => {
  let desk: ServedDesk;
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    desk = await serveDesk();
    browser = await launchChromium();
    page = await openDashboard(browser, desk);
  });
  afterAll(async () => {
    await browser?.close();
    await desk?.stop();
  });

  const light = (portfolio: string, metric?: string) =>
    page.getAttribute(metric ? `[data-portfolio="${portfolio}"] [data-metric="${metric}"]` : `[data-portfolio="${portfolio}"]`, 'data-light');

  it('renders the book: every portfolio with its lights, connected, the token gone from the address bar', async () => {
    const portfolios = await api<{ id: string }[]>(desk, 'GET', '/api/portfolios');
    await expect.poll(() => page.locator('[data-portfolio]').count()).toBe(portfolios.length);
    for (const p of portfolios) expect(['red', 'amber', 'green', 'grey']).toContain(await light(p.id));
    await expect.poll(() => page.getAttribute('[data-testid="connection"]', 'data-state')).toBe('open');
    expect(new URL(page.url()).searchParams.has('token')).toBe(false);
    // Figures arrive live: the status bar counts applied updates.
    const applied = Number(await page.getAttribute('[data-testid="events-applied"]', 'data-count'));
    await expect.poll(async () => Number(await page.getAttribute('[data-testid="events-applied"]', 'data-count')), { timeout: 10_000 }).toBeGreaterThan(applied);
  });

  it('a limit added by another client shows without a reload; a shock on the simulated feed turns its light red and raises an alert within 2 s', async () => {
    const target = 'low_vol_income';
    // Marks this page load: a reload would lose it.
    await page.evaluate(() => ((globalThis as { e2eSameLoad?: boolean }).e2eSameLoad = true));
    expect(await light(target, 'cvar_95')).toBe('none');
    // A limit the calm book sits well inside (its CVaR 95 is about -0.9%), added by another client.
    await api(desk, 'POST', '/api/risk/thresholds', {
      portfolio_id: target,
      metric_type: 'cvar_95',
      threshold_value: -0.02,
      comparison_type: 'less_than',
      severity: 'HIGH',
      description: 'e2e: CVaR 95 beyond 2%',
    });
    // The open dashboard shows it without a reload: the server announces the change (config_changed).
    await expect.poll(() => light(target, 'cvar_95'), { timeout: 5000 }).toBe('green');
    expect(await page.evaluate(() => (globalThis as { e2eSameLoad?: boolean }).e2eSameLoad)).toBe(true);
    // A 50% fall in every holding. Weights are today's (halved) market values, so the day's
    // return is about -25%: CVaR 95, the mean of the 13 worst of 252 days, passes -2% at once.
    await api(desk, 'POST', '/api/feed/shock', { portfolio_id: target, move: -0.5 });
    await expect.poll(() => light(target, 'cvar_95'), { timeout: 2000, interval: 50 }).toBe('red');
    await expect.poll(() => page.locator(`[role="option"][data-portfolio-id="${target}"]`).count(), { timeout: 2000, interval: 50 }).toBeGreaterThan(0);
    expect(await light(target)).toBe('red');
  });

  it('acknowledges and resolves an alert through the UI', async () => {
    const target = 'low_vol_income';
    const item = page.locator(`[role="option"][data-portfolio-id="${target}"][data-status="TRIGGERED"]`).first();
    await item.waitFor();
    const id = Number(await item.getAttribute('data-alert-id'));
    await item.click();
    await page.keyboard.press('a');
    await page.getByRole('dialog', { name: 'Acknowledge alert' }).getByLabel(/Comment/).fill('e2e: looking into the drop');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.getAttribute(`[role="option"][data-alert-id="${id}"]`, 'data-status')).toBe('ACKNOWLEDGED');
    await page.keyboard.press('r');
    await page.getByRole('dialog', { name: 'Resolve alert' }).getByLabel('Reason').fill('e2e: drill over');
    await page.getByRole('dialog', { name: 'Resolve alert' }).getByRole('button', { name: 'Resolve' }).click();
    await expect.poll(() => page.locator(`[role="option"][data-alert-id="${id}"]`).count()).toBe(0);
    const stored = await api<AlertRow>(desk, 'GET', `/api/risk/alerts/${id}`);
    expect(stored.status).toBe('RESOLVED');
    const timeline = await api<{ kind: string; summary: string }[]>(desk, 'GET', `/api/risk/alerts/${id}/timeline`);
    expect(timeline.map((e) => e.kind)).toEqual(expect.arrayContaining(['acknowledged', 'resolved']));
  });

  it('a threshold added in the Limits view takes effect on the desk', async () => {
    const target = 'global_equity';
    await page.keyboard.press('1');
    await expect.poll(() => light(target, 'var_95')).not.toBe('red');
    await page.keyboard.press('4');
    await page.getByRole('button', { name: /New threshold/ }).click();
    const form = page.getByRole('form', { name: 'New threshold' });
    await form.getByLabel('Portfolio').selectOption(target);
    await form.getByLabel('Metric').selectOption('var_95');
    // −0.1%: any realistic one-day VaR is beyond it.
    await form.getByLabel(/^Limit/).fill('-0.1');
    await form.getByLabel('Severity').selectOption('LOW');
    await expect.poll(() => page.getByTestId('threshold-preview').textContent()).toContain('Yes, on 1 of 1 portfolio');
    await form.getByRole('button', { name: 'Add threshold' }).click();
    await page.keyboard.press('1');
    await expect.poll(() => light(target, 'var_95'), { timeout: 5000 }).toBe('red');
    const thresholds = await api<{ portfolio_id: string; threshold_value: number }[]>(desk, 'GET', '/api/risk/thresholds');
    expect(thresholds).toContainEqual(expect.objectContaining({ portfolio_id: target, threshold_value: -0.001 }));
  });
  it('the portfolio view draws its charts from history and redraws them as figures arrive, without a page error', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.evaluate(() => ((globalThis as unknown as { location: { hash: string } }).location.hash = '#/portfolio/global_equity'));
    const section = page.getByRole('region', { name: 'VaR and CVaR' });
    const canvas = section.locator('canvas').first();
    await canvas.waitFor();
    // Stored history, or the live points appended to it, is on the chart.
    await expect.poll(() => section.textContent(), { timeout: 10_000 }).not.toContain('no history in range');
    const drawn = () => canvas.evaluate((c) => (c as unknown as { toDataURL(): string }).toDataURL());
    const before = await drawn();
    // The next cycle's figures append a point: the chart is drawn again.
    await expect.poll(drawn, { timeout: 10_000, interval: 200 }).not.toBe(before);
    for (const label of ['Drawdown chart', 'Leverage chart', 'Top positions chart', 'Correlation heatmap']) expect(await page.getByRole('img', { name: label }).locator('canvas').count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });
});
