// The whole shell composed: a real desk on a temporary database, behind the recording fake of
// the 'electron' module. Proves the wiring: database under userData, IPC through dispatch,
// engine events to tray, notifications and the window, and an orderly quit that closes the desk.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../core/testing';
import * as fake from './testing/fake-electron';

vi.mock('electron', () => import('./testing/fake-electron'));

const { startShell } = await import('./app');
const { IPC } = await import('./logic/channels');
const { makeAlert } = await import('./logic/test-alerts');
const { silentLogger } = await import('../core/ports');

describe('startShell', () => {
  let dir: ReturnType<typeof tempDir>;
  let shell: Awaited<ReturnType<typeof startShell>> | undefined;

  beforeEach(() => {
    fake.resetFakes();
    dir = tempDir();
    fake.app.paths.userData = path.join(dir.dir, 'userData');
    // As packaged: the tray icons are read from <resourcesPath>/resources, here the repository's.
    (process as { resourcesPath?: string }).resourcesPath = path.resolve(__dirname, '../..');
    fake.app.loginItem = { openAtLogin: false, wasOpenedAtLogin: false };
    vi.stubEnv('RISK_DESK_DB', '');
    vi.stubEnv('ELECTRON_RENDERER_URL', '');
  });
  afterEach(async () => {
    if (shell && !shell.desk.store.sqlite.open) shell = undefined;
    await shell?.quit();
    vi.unstubAllEnvs();
    dir.cleanup();
  });

  const invoke = (name: string, input: unknown, url = 'app://desk/index.html') => {
    const sender = new fake.FakeWebContents(url);
    return fake.ipcMain.handlers.get(IPC.invoke)!({ senderFrame: { url, parent: null }, sender }, name, input);
  };

  it('opens the desk under userData and serves the dashboard from app://desk in a hidden-until-ready window', async () => {
    shell = await startShell(silentLogger);
    expect(shell.desk.store.sqlite.name).toBe(path.join(dir.dir, 'userData', 'risk-desk.db'));
    const win = fake.BrowserWindow.created[0];
    expect(win.url).toBe('app://desk/index.html');
    expect(fake.protocol.handlers.has('app')).toBe(true);
    expect(fake.session.defaultSession.permissionRequestHandler).not.toBeNull();
    expect(win.visible).toBe(false);
    win.emit('ready-to-show');
    expect(win.visible).toBe(true);
    // Painted from the engine's state (the demo book's first alerts may already be in).
    expect(fake.Tray.last!.tooltip).toMatch(/^Risk Desk: (no open alerts|\d+ unacknowledged)/);
  });

  it('answers the dashboard over IPC with the demo book, and refuses a foreign frame', async () => {
    shell = await startShell(silentLogger);
    const r = (await invoke('portfolios.list', {})) as { ok: true; value: { id: string }[] };
    expect(r.ok).toBe(true);
    expect(r.value.length).toBe(8);
    expect(await invoke('portfolios.list', {}, 'https://evil.example/')).toMatchObject({ ok: false, error: { status: 403 } });
    expect(await invoke('thresholds.delete', { id: 'x' })).toMatchObject({ ok: false, error: { code: 'bad_request', issues: [{ field: 'id' }] } });
  });

  it("answers risk.latest over IPC with every portfolio's latest snapshot in one reply", async () => {
    shell = await startShell(silentLogger);
    const desk = shell.desk;
    await expect.poll(() => desk.monitor.latestAll().length, { timeout: 10_000 }).toBe(8);
    const r = (await invoke('risk.latest', {})) as { ok: true; value: { portfolio_id: string; var_95: number | null }[] };
    expect(r.ok).toBe(true);
    expect(r.value.map((s) => s.portfolio_id).sort()).toEqual(desk.store.book.listPortfolios().map((p) => p.id).sort());
    expect(r.value.every((s) => typeof s.var_95 === 'number')).toBe(true);
  });

  it('turns a new alert into a red tray and an event for the window', async () => {
    shell = await startShell(silentLogger);
    const win = fake.BrowserWindow.created[0];
    const alert = makeAlert({ severity: 'CRITICAL', portfolio_id: 'global_macro' });
    shell.desk.events.emit('new_alert', { alert });
    expect(fake.Tray.last!.tooltip).toMatch(/unacknowledged \(\d+ CRITICAL/);
    // Other engine events (cycles, the demo book's own alerts) may arrive too.
    expect(win.webContents.sent).toContainEqual({ channel: IPC.event, args: [{ type: 'new_alert', timestamp: alert.updated_at, alert }] });
  });

  it('shows the notification service\'s desktop messages natively; a click opens the alert', async () => {
    shell = await startShell(silentLogger);
    const win = fake.BrowserWindow.created[0];
    await shell.desktopNotifier.show({ title: 'CRITICAL · global_macro', body: 'VaR 99% -6.12% vs limit -5.00%', urgency: 'critical', alertId: 42 });
    const [notification] = fake.Notification.shown;
    expect(notification.options).toMatchObject({ title: 'CRITICAL · global_macro', urgency: 'critical', timeoutType: 'never' });
    notification.emit('click');
    expect(win.visible && win.focused).toBe(true);
    expect(win.webContents.sent.at(-1)).toEqual({ channel: IPC.navigate, args: [{ view: 'alert', alert_id: 42 }] });
  });

  it('the notification service\'s desktop channel shows through the shell, and its log records a muted one as not shown', async () => {
    shell = await startShell(silentLogger);
    // The demo book's own alerts notify too; only the test messages are looked at here.
    const tests = () => fake.Notification.shown.filter((n) => String(n.options.body).includes('test message from Risk Desk'));
    const testRows = () => shell!.desk.notify.listNotifications({ channel: 'desktop' }).items.filter((r) => r.transition === 'test');
    await shell.desk.notify.sendTestMessage({ channel: 'desktop' }, 'ana');
    await vi.waitFor(() => expect(tests()).toHaveLength(1), { timeout: 5000 });
    fake.Tray.last!.menu!.template.find((i) => i.label === 'Mute notifications for 1 hour')!.click!();
    await shell.desk.notify.sendTestMessage({ channel: 'desktop' }, 'ana');
    await vi.waitFor(() => expect(testRows().map((r) => r.status).sort()).toEqual(['failed', 'sent']), { timeout: 5000 });
    expect(testRows().find((r) => r.status === 'failed')!.error).toMatch(/muted from the tray until/);
    expect(tests()).toHaveLength(1);
  });

  it('keeps the secrets saved from the dashboard encrypted, never in plain text on disk or in the database', async () => {
    shell = await startShell(silentLogger);
    await shell.desk.notify.updateChannelSettings({ email: { host: 'smtp.example.com', from: 'desk@example.com', password: 'hunter2-smtp' }, sms: { twilio_auth_token: 'tw-token-secret' } }, 'ana');
    expect(shell.secrets.get('smtp_password')).toBe('hunter2-smtp');
    expect(shell.secrets.get('twilio_auth_token')).toBe('tw-token-secret');
    const userData = path.join(dir.dir, 'userData');
    shell.desk.store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    for (const file of fs.readdirSync(userData)) {
      const bytes = fs.readFileSync(path.join(userData, file)).toString('latin1');
      expect(bytes, file).not.toContain('hunter2');
      expect(bytes, file).not.toContain('tw-token-secret');
    }
  });

  it('end to end: the demo book breaches, the tray turns red, a native notification names the alert and its click opens it', async () => {
    shell = await startShell(silentLogger);
    const win = fake.BrowserWindow.created[0];
    // Red: an unacknowledged HIGH or CRITICAL alert.
    await vi.waitFor(() => expect(fake.Tray.last!.tooltip).toMatch(/unacknowledged \(\d+ (CRITICAL|HIGH)/), { timeout: 15_000 });
    const open = shell.desk.store.alerts.listOpen();
    expect(open.length).toBeGreaterThan(0);
    await vi.waitFor(() => expect(fake.Notification.shown.length).toBeGreaterThan(0), { timeout: 15_000 });
    fake.Notification.shown[0].emit('click');
    const navigated = win.webContents.sent.filter((m) => m.channel === IPC.navigate).at(-1)!.args[0] as { view: string; alert_id?: number };
    expect(navigated.view).toBe('alert');
    expect(open.map((a) => a.id)).toContain(navigated.alert_id);
  });

  it('mutes from the tray menu', async () => {
    shell = await startShell(silentLogger);
    fake.Tray.last!.menu!.template.find((i) => i.label === 'Mute notifications for 15 minutes')!.click!();
    await expect(shell.desktopNotifier.show({ title: 't', body: 'b', urgency: 'critical' })).rejects.toThrow(/muted from the tray until/);
    expect(fake.Notification.shown).toEqual([]);
    expect(fake.Tray.last!.menu!.template.some((i) => i.label?.startsWith('Muted until'))).toBe(true);
  });

  it('a second launch brings the window back', async () => {
    shell = await startShell(silentLogger);
    fake.app.emit('second-instance');
    expect(fake.BrowserWindow.created[0].visible).toBe(true);
  });

  it('quits in order: the close button only hides, Quit closes the desk and its database', async () => {
    shell = await startShell(silentLogger);
    const win = fake.BrowserWindow.created[0];
    win.close();
    expect(win.destroyed).toBe(false);
    fake.Tray.last!.menu!.template.find((i) => i.label === 'Quit Risk Desk')!.click!();
    await vi.waitFor(() => expect(fake.app.quitCalls).toBe(2));
    expect(shell.desk.store.sqlite.open).toBe(false);
    expect(fake.Tray.last!.destroyed).toBe(true);
    expect(fake.ipcMain.handlers.size).toBe(0);
    shell = undefined;
  });

  it('shows the reason and fails when the database cannot be opened', async () => {
    // The database's folder is a file: the desk cannot create it.
    fs.writeFileSync(path.join(dir.dir, 'a-file'), '');
    vi.stubEnv('RISK_DESK_DB', path.join(dir.dir, 'a-file', 'desk.db'));
    await expect(startShell(silentLogger)).rejects.toThrow();
    expect(fake.dialog.errors[0][0]).toBe('Risk Desk cannot start');
  });
});
