// The thin Electron adapters, against the recording fake of the 'electron' module.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeskHandlers } from '../../shared/api';
import { silentLogger } from '../core/ports';
import { tempDir } from '../core/testing';
import * as fake from './testing/fake-electron';

vi.mock('electron', () => import('./testing/fake-electron'));

const { registerIpc } = await import('./ipc');
const { denyAllPermissions, guardWebContents } = await import('./security');
const { DeskTray, toMenuTemplate } = await import('./tray');
const { ElectronNotifier } = await import('./notifier');
const { createDashboardWindow, reveal } = await import('./window');
const { registerAppScheme, serveDashboard } = await import('./protocol');
const { safeStorageCipher } = await import('./secrets');
const { WindowStateFile } = await import('./logic/window-state');
const { IPC } = await import('./logic/channels');
const { trayState } = await import('./logic/tray-state');

beforeEach(() => fake.resetFakes());

const handlers = {
  health: () => ({ status: 'ok', version: 't', uptime_seconds: 0, feed: null, last_cycle_at: null }),
} as unknown as DeskHandlers;

function invokeEvent(url: string, isMainFrame = true, sender = new fake.FakeWebContents(url)) {
  return { senderFrame: { url, parent: isMainFrame ? null : {} }, sender };
}

describe('IPC adapter', () => {
  const setup = () => registerIpc({ handlers, ctx: { actor: 'ana', role: 'admin' }, origins: ['app://desk'], logger: silentLogger });

  it('answers invokes from our main frame through dispatch', async () => {
    setup();
    const invoke = fake.ipcMain.handlers.get(IPC.invoke)!;
    expect(await invoke(invokeEvent('app://desk/index.html'), 'health', {})).toMatchObject({ ok: true, value: { status: 'ok' } });
    expect(await invoke(invokeEvent('app://desk/index.html'), 'health', { extra: 1 })).toMatchObject({ ok: false, error: { code: 'bad_request', status: 400, issues: [{ field: '(body)' }] } });
  });

  it('refuses invokes from iframes, other origins and destroyed frames', async () => {
    setup();
    const invoke = fake.ipcMain.handlers.get(IPC.invoke)!;
    for (const event of [invokeEvent('app://desk/index.html', false), invokeEvent('https://evil.example/'), { senderFrame: null, sender: new fake.FakeWebContents() }])
      expect(await invoke(event, 'health', {})).toMatchObject({ ok: false, error: { code: 'forbidden', status: 403 } });
  });

  it('forwards events to trusted windows by their subscriptions, and stops on dispose', () => {
    const host = setup();
    const ours = new fake.FakeWebContents('app://desk/index.html');
    const other = new fake.FakeWebContents('https://evil.example/');
    fake.ipcMain.emit(IPC.subscribe, { senderFrame: { url: ours.mainFrame.url, parent: null }, sender: ours }, ['p1']);
    // An untrusted window's subscription is ignored.
    fake.ipcMain.emit(IPC.subscribe, { senderFrame: { url: other.mainFrame.url, parent: null }, sender: other }, ['*']);
    host.forward({ type: 'risk_metrics_update', timestamp: '', portfolio_id: 'p1', metrics: {} as never });
    host.forward({ type: 'risk_metrics_update', timestamp: '', portfolio_id: 'p2', metrics: {} as never });
    host.forward({ type: 'system', timestamp: '', level: 'info', message: 'cycle done' });
    expect(ours.sent.map((s) => (s.args[0] as { type: string; portfolio_id?: string }).portfolio_id ?? 'system')).toEqual(['p1', 'system']);
    expect(other.sent).toEqual([]);
    host.navigate(ours as never, { view: 'alert', alert_id: 4 });
    host.navigate(other as never, { view: 'alert', alert_id: 4 });
    expect(ours.sent.at(-1)).toEqual({ channel: IPC.navigate, args: [{ view: 'alert', alert_id: 4 }] });
    expect(other.sent).toEqual([]);
    host.dispose();
    expect(fake.ipcMain.handlers.has(IPC.invoke)).toBe(false);
    expect(fake.ipcMain.listenerCount(IPC.subscribe)).toBe(0);
  });

  it('forgets a window\'s subscription when it is destroyed', () => {
    const host = setup();
    const ours = new fake.FakeWebContents('app://desk/index.html');
    fake.ipcMain.emit(IPC.subscribe, { senderFrame: { url: ours.mainFrame.url, parent: null }, sender: ours }, ['*']);
    ours.destroy();
    const again = new fake.FakeWebContents('app://desk/index.html');
    host.forward({ type: 'risk_metrics_update', timestamp: '', portfolio_id: 'p1', metrics: {} as never });
    expect(again.sent).toEqual([]);
  });
});

describe('security adapter', () => {
  it('denies every permission request and check', () => {
    const ses = fake.session.defaultSession;
    denyAllPermissions(ses as never, silentLogger);
    const answers: boolean[] = [];
    ses.permissionRequestHandler!(null, 'media', (ok: boolean) => answers.push(ok));
    ses.permissionRequestHandler!(null, 'notifications', (ok: boolean) => answers.push(ok));
    expect(answers).toEqual([false, false]);
    expect(ses.permissionCheckHandler!(null, 'clipboard-read')).toBe(false);
    expect(ses.devicePermissionHandler!({})).toBe(false);
  });

  it('blocks navigation away, webviews and new windows; opens only allow-listed links outside', () => {
    guardWebContents(['app://desk'], [{ origin: 'https://wiki.example.com', pathPrefix: '/risk/' }], silentLogger);
    const contents = new fake.FakeWebContents();
    fake.app.emit('web-contents-created', {}, contents);
    const nav = (url: string, name = 'will-navigate') => {
      const e = { url, prevented: false, preventDefault() {
        this.prevented = true;
      } };
      contents.emit(name, e);
      return e.prevented;
    };
    expect(nav('https://evil.example/')).toBe(true);
    expect(nav('file:///etc/passwd')).toBe(true);
    expect(nav('https://evil.example/', 'will-redirect')).toBe(true);
    expect(nav('app://desk/index.html#/alerts/1')).toBe(false);
    const webview = { prevented: false, preventDefault() {
      this.prevented = true;
    } };
    contents.emit('will-attach-webview', webview);
    expect(webview.prevented).toBe(true);
    expect(contents.windowOpenHandler!({ url: 'https://wiki.example.com/risk/limits' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(fake.shell.opened).toEqual(['https://wiki.example.com/risk/limits']);
  });
});

describe('protocol adapter', () => {
  it('registers app: as a privileged standard secure scheme and serves the dashboard on it', async () => {
    const dir = tempDir();
    try {
      fs.writeFileSync(path.join(dir.dir, 'index.html'), '<title>x</title>');
      registerAppScheme();
      expect(fake.protocol.privileged).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
      serveDashboard(dir.dir);
      const r = await fake.protocol.handlers.get('app')!(new Request('app://desk/'));
      expect(await r.text()).toBe('<title>x</title>');
      expect(r.headers.get('content-security-policy')).toContain("script-src 'self'");
    } finally {
      dir.cleanup();
    }
  });
});

describe('tray adapter', () => {
  const trayDir = path.resolve(__dirname, '../../resources/tray');
  const input = (level: 'green' | 'red') => ({
    state: level === 'red' ? trayState([{ status: 'TRIGGERED', severity: 'CRITICAL' } as never], { running: true, feed: 'live' }) : trayState([], { running: true, feed: 'live' }),
    mutedUntil: null,
    now: 0,
    timeZone: 'UTC',
    openAtLogin: true,
    loginSupported: true,
  });

  it('paints the icon for the level, the tooltip and the menu; clicks route back by id', () => {
    const actions: string[] = [];
    const tray = new DeskTray(trayDir, (a) => actions.push(a));
    const t = fake.Tray.last!;
    tray.paint(input('red'));
    tray.paint(input('red'));
    expect(t.setImageCalls).toBe(1);
    const image = t.image as fake.FakeNativeImage;
    expect(image.reps.map((r) => r.scaleFactor)).toEqual(process.platform === 'win32' ? [1, 1.5, 2] : [1, 2]);
    expect(image.reps[0].buffer.equals(fs.readFileSync(path.join(trayDir, process.platform === 'linux' ? 'tray-red-24.png' : 'tray-red-16.png')))).toBe(true);
    expect(t.tooltip).toBe('Risk Desk: 1 unacknowledged (1 CRITICAL)');
    const items = t.menu!.template;
    items.find((i) => i.label === 'Mute notifications for 1 hour')!.click!();
    items.find((i) => i.label === 'Quit Risk Desk')!.click!();
    expect(items.find((i) => i.label === 'Start at login')).toMatchObject({ type: 'checkbox', checked: true });
    t.emit('click');
    expect(actions).toEqual(['mute:1h', 'quit', 'open']);
    tray.destroy();
    expect(t.destroyed).toBe(true);
  });

  it('turns separators and labels into disabled menu entries', () => {
    expect(toMenuTemplate([{ kind: 'separator' }, { kind: 'label', label: 'Muted until 10:00' }], () => undefined)).toEqual([{ type: 'separator' }, { label: 'Muted until 10:00', enabled: false }]);
  });
});

describe('notification adapter', () => {
  it('shows urgent alerts as critical, sticky notifications and routes the click', () => {
    const clicks: number[] = [];
    const notifier = new ElectronNotifier('/icons/icon.png');
    notifier.show({ alertId: 7, title: 'CRITICAL · p1', body: 'b', urgency: 'critical' }, () => clicks.push(7));
    notifier.show({ alertId: 8, title: 'LOW · p1', body: 'b', urgency: 'low' }, () => clicks.push(8));
    const [critical, low] = fake.Notification.shown;
    expect(critical.options).toEqual({ title: 'CRITICAL · p1', body: 'b', urgency: 'critical', timeoutType: 'never', icon: '/icons/icon.png' });
    expect(low.options).toMatchObject({ urgency: 'low', timeoutType: 'default' });
    expect(notifier.pending).toBe(2);
    critical.emit('click');
    low.emit('close');
    expect(clicks).toEqual([7]);
    expect(notifier.pending).toBe(0);
  });

  it('reports support from the platform', () => {
    fake.Notification.supported = false;
    expect(new ElectronNotifier().isSupported()).toBe(false);
  });
});

describe('window adapter', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.cleanup());

  it('creates the window with the hardened preferences and the remembered bounds', () => {
    const state = WindowStateFile.in(dir.dir);
    state.save({ x: 100, y: 50, width: 1200, height: 800, maximized: true });
    const win = createDashboardWindow({ preload: '/out/preload/index.js', url: 'app://desk/index.html', state, show: true, devTools: false, isQuitting: () => false }) as unknown as fake.BrowserWindow;
    expect(win.options).toMatchObject({ x: 100, y: 50, width: 1200, height: 800, show: false });
    expect(win.options.webPreferences).toMatchObject({
      preload: '/out/preload/index.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      disableBlinkFeatures: 'Auxclick',
      devTools: false,
    });
    expect(win.maximized).toBe(true);
    expect(win.url).toBe('app://desk/index.html');
    win.emit('ready-to-show');
    expect(win.visible).toBe(true);
  });

  it('hides instead of closing unless quitting, and remembers the bounds on close', () => {
    let quitting = false;
    const state = WindowStateFile.in(dir.dir);
    const win = createDashboardWindow({ preload: 'p', url: 'app://desk/', state, show: false, devTools: false, isQuitting: () => quitting }) as unknown as fake.BrowserWindow;
    win.emit('ready-to-show');
    expect(win.visible).toBe(false);
    win.visible = true;
    win.bounds = { x: 10, y: 20, width: 1000, height: 700 };
    win.close();
    expect(win.destroyed).toBe(false);
    expect(win.visible).toBe(false);
    expect(state.load()).toEqual({ x: 10, y: 20, width: 1000, height: 700, maximized: false });
    reveal(win as never);
    expect(win.visible && win.focused).toBe(true);
    quitting = true;
    win.close();
    expect(win.destroyed).toBe(true);
  });
});

describe('safeStorage cipher', () => {
  it('delegates to safeStorage, reporting the Linux backend', () => {
    const blob = safeStorageCipher.encryptString('pw');
    expect(blob.toString()).not.toContain('pw');
    expect(safeStorageCipher.decryptString(blob)).toBe('pw');
    expect(safeStorageCipher.backend()).toBe(process.platform === 'linux' ? 'gnome_libsecret' : null);
  });
});
