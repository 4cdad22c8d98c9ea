import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, serveDesk, type ServedDesk } from './support/desk';

describe('risk-desk serve in Chromium', () => {
  let desk: ServedDesk;
  let browser: Browser;
  beforeAll(async () => {
    desk = await serveDesk();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await desk?.stop();
  });

  it('starts on the demo book and answers health checks', async () => {
    const res = await fetch(`${desk.url}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
  });

  it('serves a page a browser renders', async () => {
    const page = await browser.newPage();
    await page.goto(desk.url);
    await expect.poll(() => page.title()).toBe('Risk Desk');
    await page.close();
  });
});
