// The desktop shell's composition: the engine in-process (docs/desktop.md explains why), the
// hardened window, IPC, tray, notifications, secrets and an orderly quit. Every decision lives
// in ./logic; this file only wires Electron to it.
import { app, type BrowserWindow, dialog, session } from 'electron';
import os from 'node:os';
import path from 'node:path';
import { createHandlers } from '../core/api/handlers';
import { Desk } from '../core/desk';
import type { NotifyOptions } from '../core/notify/service';
import { createLogger, type Logger, systemClock } from '../core/ports';
import { registerIpc } from './ipc';
import { LinuxAutostart, autostartFile, launchCommand, startedHidden } from './logic/autostart';
import { DeskWatcher } from './logic/desk-watcher';
import { externalAllowList } from './logic/external';
import { forwardEngineEvents, loadOpenAlerts } from './logic/host';
import { desktopContext, trustedOrigins } from './logic/ipc';
import { shellPaths } from './logic/paths';
import { EncryptedSecretStore } from './logic/secrets';
import { createShutdown } from './logic/shutdown';
import type { TrayAction } from './logic/tray-menu';
import { WindowStateFile } from './logic/window-state';
import { ElectronNotifier } from './notifier';
import { serveDashboard } from './protocol';
import { safeStorageCipher } from './secrets';
import { denyAllPermissions, guardWebContents } from './security';
import { DeskTray } from './tray';
import { createDashboardWindow, reveal } from './window';

export interface RunningShell {
  desk: Desk;
  secrets: EncryptedSecretStore;
  /** The notification service's desktop channel in the app. */
  desktopNotifier: DeskWatcher['desktopNotifier'];
  window(): BrowserWindow;
  quit(): Promise<void>;
}

/** Login-item support: Electron's own on macOS and Windows, an XDG autostart entry on Linux. */
function loginItems() {
  if (process.platform === 'linux') {
    const entry = new LinuxAutostart(autostartFile(), launchCommand(process.execPath));
    return { get: () => entry.isEnabled(), set: (on: boolean) => entry.set(on), openedAtLogin: () => false };
  }
  return {
    get: () => app.getLoginItemSettings().openAtLogin,
    set: (on: boolean) => app.setLoginItemSettings({ openAtLogin: on, args: ['--hidden'] }),
    openedAtLogin: () => app.getLoginItemSettings().wasOpenedAtLogin === true,
  };
}

function openDesk(dbFile: string, logger: Logger, notify: NotifyOptions): Desk {
  try {
    return Desk.open({ dbFile, logger, notify });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    logger.error({ dbFile, err: message }, 'the desk could not open its database');
    dialog.showErrorBox('Risk Desk cannot start', `The database ${dbFile} could not be opened:\n${message}`);
    throw err;
  }
}

/** Call once the app is ready (and holds the single-instance lock). */
export async function startShell(logger: Logger = createLogger()): Promise<RunningShell> {
  const paths = shellPaths({
    isPackaged: app.isPackaged,
    appPath: app.getAppPath(),
    resourcesPath: process.resourcesPath,
    mainDir: __dirname,
    userData: app.getPath('userData'),
    env: process.env,
  });
  const origins = trustedOrigins(process.env.ELECTRON_RENDERER_URL, app.isPackaged);

  denyAllPermissions(session.defaultSession, logger);
  guardWebContents(origins, externalAllowList(process.env.RISK_DESK_EXTERNAL_URLS), logger);
  serveDashboard(paths.rendererRoot);

  const secrets = EncryptedSecretStore.in(app.getPath('userData'), safeStorageCipher, logger);
  const login = loginItems();

  let quitting = false;
  // Created after the watcher, which their callbacks already refer to.
  const ui: { win?: BrowserWindow; tray?: DeskTray } = {};
  let muteTimer: NodeJS.Timeout | undefined;
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  const paintTray = () => {
    ui.tray?.paint({ state: watcher.tray, mutedUntil: watcher.muteEnds, now: systemClock.now(), timeZone, openAtLogin: login.get(), loginSupported: true });
  };
  const watcher = new DeskWatcher({
    notifier: new ElectronNotifier(path.join(paths.resources, 'icon.png')),
    clock: systemClock,
    logger: logger.child({ part: 'desktop-notify' }),
    timeZone,
    onTrayChange: paintTray,
    onOpen: (alertId) => {
      if (!ui.win) return;
      reveal(ui.win);
      ipc.navigate(ui.win.webContents, alertId === null ? { view: 'alerts' } : { view: 'alert', alert_id: alertId });
    },
  });

  // The notification service shows desktop notifications through the shell and keeps saved secrets in the keychain.
  const desk = openDesk(paths.dbFile, logger, { desktop: watcher.desktopNotifier, secrets });
  const handlers = createHandlers(desk);
  const ctx = desktopContext(os.userInfo().username, process.env.RISK_DESK_ROLE);
  const ipc = registerIpc({ handlers, ctx, origins, logger });

  const showWindow = () => {
    if (ui.win) reveal(ui.win);
  };
  const onTrayAction = (action: TrayAction) => {
    if (action === 'open') showWindow();
    else if (action === 'quit') app.quit();
    else if (action === 'login') {
      login.set(!login.get());
      paintTray();
    } else if (action === 'unmute') {
      clearTimeout(muteTimer);
      watcher.unmute();
    } else {
      const until = watcher.mute(action.slice('mute:'.length) as 'tomorrow');
      clearTimeout(muteTimer);
      // Repaint when the mute ends so the menu stops saying "Muted until".
      muteTimer = setTimeout(paintTray, Math.max(0, until - systemClock.now()) + 1000);
    }
  };
  ui.tray = new DeskTray(path.join(paths.resources, 'tray'), onTrayAction);
  paintTray();

  const stopEvents = forwardEngineEvents(desk.events, (event) => {
    watcher.handle(event);
    ipc.forward(event);
  });
  try {
    watcher.load(await loadOpenAlerts(handlers, ctx));
  } catch (err) {
    logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'open alerts not loaded; the tray starts from live events');
  }
  watcher.setHealth({ running: true });

  ui.win = createDashboardWindow({
    preload: paths.preload,
    url: paths.dashboardUrl,
    state: WindowStateFile.in(app.getPath('userData')),
    show: !startedHidden(process.argv, login.openedAtLogin()),
    devTools: !app.isPackaged,
    icon: path.join(paths.resources, 'icon.png'),
    isQuitting: () => quitting,
  });

  const shutdown = createShutdown(
    [
      { name: 'stop forwarding events', run: stopEvents },
      { name: 'close IPC', run: () => ipc.dispose() },
      { name: 'remove tray', run: () => (clearTimeout(muteTimer), ui.tray?.destroy()) },
      // Desk.close lets deliveries under way finish (queued ones wait in the outbox for the next
      // start), stops the monitor, then closes the database. Past the deadline the app exits
      // anyway: SQLite's WAL keeps the file consistent and the outbox is reconciled at next start.
      { name: 'close the desk', run: () => desk.close(), timeoutMs: 15_000 },
    ],
    logger,
  );
  let closed = false;
  const quit = async () => {
    quitting = true;
    watcher.setHealth({ running: false });
    await shutdown.run('quit');
    closed = true;
  };
  app.on('before-quit', (event) => {
    if (closed) return;
    event.preventDefault();
    void quit().then(() => app.quit());
  });
  // The tray keeps the desk running with no window open; only Quit ends it.
  app.on('window-all-closed', () => undefined);
  app.on('second-instance', showWindow);
  app.on('activate', showWindow);

  return { desk, secrets, desktopNotifier: watcher.desktopNotifier, window: () => ui.win!, quit };
}
