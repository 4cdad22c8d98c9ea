// The dashboard window: hardened webPreferences, remembered bounds, hidden (not closed) on
// close so the tray and notifications keep running.
import { BrowserWindow, screen } from 'electron';
import { captureWindowState, fitToDisplays, MIN_WINDOW, type WindowStateFile } from './logic/window-state';

export interface WindowOptions {
  preload: string;
  url: string;
  state: WindowStateFile;
  show: boolean;
  /** Developer tools: in development only; a packaged app gives no console into the renderer. */
  devTools: boolean;
  icon?: string;
  /** Returns true while the app is quitting: then close really closes. */
  isQuitting(): boolean;
}

export function createDashboardWindow(opts: WindowOptions): BrowserWindow {
  const saved = fitToDisplays(
    opts.state.load(),
    screen.getAllDisplays().map((d) => d.workArea),
  );
  const win = new BrowserWindow({
    ...(saved.x !== undefined && saved.y !== undefined ? { x: saved.x, y: saved.y } : {}),
    width: saved.width,
    height: saved.height,
    minWidth: MIN_WINDOW.width,
    minHeight: MIN_WINDOW.height,
    show: false,
    title: 'Risk Desk',
    backgroundColor: '#0f1419',
    ...(opts.icon ? { icon: opts.icon } : {}),
    // Electron's security checklist, item by item (docs/desktop.md). Written out literally so
    // static checkers (Electronegativity, in npm test) see exactly what the window gets.
    webPreferences: {
      preload: opts.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: opts.devTools,
      // Middle-click would open links in new windows; there are none to open.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  if (saved.maximized) win.maximize();

  let saveTimer: NodeJS.Timeout | undefined;
  const save = () => {
    if (win.isDestroyed()) return;
    opts.state.save(captureWindowState(win.getNormalBounds(), win.isMaximized()));
  };
  const saveSoon = () => {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(save, 500);
  };
  for (const e of ['resize', 'move', 'maximize', 'unmaximize'] as const) win.on(e as 'resize', saveSoon);
  win.on('close', (event) => {
    clearTimeout(saveTimer);
    save();
    if (!opts.isQuitting()) {
      event.preventDefault();
      win.hide();
    }
  });
  win.once('ready-to-show', () => {
    if (opts.show) win.show();
  });
  void win.loadURL(opts.url);
  return win;
}

/** Brings the window to the front (second launch, tray click, notification click). */
export function reveal(win: BrowserWindow): void {
  if (win.isMinimized()) win.restore();
  if (!win.isVisible()) win.show();
  win.focus();
}
