// The served dashboard in Chromium: the strict CSP lets the page load and reach the API and the
// WebSocket of its own origin (and nothing else), with the admin link `serve` prints.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, serveDesk, type ServedDesk } from './support/desk';

describe('risk-desk serve: the dashboard origin in a browser', () => {
  let desk: ServedDesk;
  let browser: Browser;
  beforeAll(async () => {
    desk = await serveDesk([], { WEBSOCKET_JWT_SECRET: '' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await desk?.stop();
  });

  it('reaches its own API and WebSocket under the CSP with the printed token; the only violation is the inline script we plant', async () => {
    expect(desk.adminUrl).toMatch(/\/\?token=/);
    const token = new URL(desk.adminUrl!).searchParams.get('token')!;
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    const res = await page.goto(desk.adminUrl!);
    expect(res!.headers()['content-security-policy']).toMatch(/script-src 'self'/);
    const result = await page.evaluate(async (tok) => {
      // This runs in the page; the test's tsconfig has no DOM types, so name what it uses.
      const w = globalThis as unknown as {
        location: { host: string };
        document: { createElement(tag: 'script'): { textContent: string }; body: { appendChild(node: unknown): void } };
        __inlineRan?: boolean;
      };
      const api = await fetch('/api/portfolios', { headers: { authorization: `Bearer ${tok}` } });
      const pong = await new Promise<string>((resolve, reject) => {
        const ws = new WebSocket(`ws://${w.location.host}/ws/risk?token=${tok}`);
        ws.onopen = () => ws.send(JSON.stringify({ type: 'ping', id: 'e2e' }));
        ws.onmessage = (e) => {
          const m = JSON.parse(e.data);
          if (m.id === 'e2e') {
            ws.close();
            resolve(m.type);
          }
        };
        ws.onerror = () => reject(new Error('websocket failed'));
      });
      // An inline script is what the CSP exists to stop.
      const inline = w.document.createElement('script');
      inline.textContent = 'window.__inlineRan = true';
      w.document.body.appendChild(inline);
      return { status: api.status, portfolios: ((await api.json()) as unknown[]).length, pong, inlineRan: w.__inlineRan === true };
    }, token);
    expect(result).toEqual({ status: 200, portfolios: 8, pong: 'pong', inlineRan: false });
    await expect.poll(() => violations.length).toBeGreaterThan(0);
    expect(violations.every((v) => /script-src/.test(v))).toBe(true);
    await page.close();
  });
});
