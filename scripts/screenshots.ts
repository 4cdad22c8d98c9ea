// `npx tsx scripts/screenshots.ts`: screenshots of each main view of the dashboard, taken in
// Chromium against `risk-desk serve` (demo book, simulated feed, a temporary database), into
// docs/screenshots/*.png for the README and docs/dashboard.md. Needs `npm run build` first.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium, openDashboard, serveDesk } from '../e2e/support/desk';

const OUT = path.resolve(__dirname, '..', 'docs', 'screenshots');
const VIEWPORT = { width: 1920, height: 1080 };

async function shot(page: Page, name: string): Promise<void> {
  // Let the latest push land and charts draw; nothing animates, so a short settle suffices.
  await page.waitForTimeout(800);
  await page.screenshot({ path: path.join(OUT, `${name}.png`) });
  console.log(`docs/screenshots/${name}.png`);
}

async function main(): Promise<void> {
  fs.mkdirSync(OUT, { recursive: true });
  const desk = await serveDesk();
  const browser = await launchChromium();
  try {
    // The demo book's limits already show red, amber and green, with open alerts.
    const page = await openDashboard(browser, desk, VIEWPORT);
    await page.waitForTimeout(4000);
    await shot(page, 'desk');

    await page.goto(`${desk.url}/#/portfolio/levered_book`);
    await page.waitForSelector('[aria-label="VaR and CVaR chart"]');
    await page.waitForTimeout(2500);
    await shot(page, 'portfolio');
    await page.evaluate('document.querySelector(".pf").scrollTo(0, 100000)');
    await shot(page, 'portfolio-detail');

    await page.keyboard.press('3');
    await page.waitForSelector('table[aria-label="Alerts"]');
    await page.keyboard.press('j');
    await page.waitForSelector('[aria-label="Timeline"]');
    await shot(page, 'alerts');
    await page.getByRole('tab', { name: 'Statistics' }).click();
    await page.waitForSelector('[data-testid="alert-stats"]');
    await shot(page, 'alert-statistics');

    await page.keyboard.press('4');
    await page.waitForSelector('table[aria-label="Thresholds"]');
    await page.keyboard.press('j');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="threshold-preview"]');
    await shot(page, 'limits');

    for (const tab of ['escalation', 'templates', 'channels']) {
      await page.goto(`${desk.url}/#/settings/${tab}`);
      await page.waitForTimeout(1200);
      await shot(page, `settings-${tab}`);
    }

    await page.goto(`${desk.url}/#/desk`);
    await page.waitForSelector('[data-portfolio]');
    await page.keyboard.press('?');
    await shot(page, 'shortcuts');

    const signIn = await browser.newPage({ viewport: VIEWPORT });
    await signIn.goto(desk.url);
    await signIn.waitForSelector('form[aria-label="Sign in"]');
    await shot(signIn, 'sign-in');
  } finally {
    await browser.close();
    await desk.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
