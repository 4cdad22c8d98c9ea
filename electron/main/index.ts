// The Electron main process: hosts the desk engine and the dashboard window.
import { app, BrowserWindow } from 'electron';
import path from 'node:path';
import { Desk } from '../core/desk';
import { createLogger } from '../core/ports';

let desk: Desk | undefined;

function createWindow(): void {
  const win = new BrowserWindow({
    width: 1600,
    height: 1000,
    backgroundColor: '#0f1419',
    webPreferences: {
      preload: path.join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    },
  });
  if (process.env.ELECTRON_RENDERER_URL) void win.loadURL(process.env.ELECTRON_RENDERER_URL);
  else void win.loadFile(path.join(__dirname, '../renderer/index.html'));
}

void app.whenReady().then(() => {
  desk = Desk.open({ dbFile: path.join(app.getPath('userData'), 'risk-desk.db'), logger: createLogger() });
  createWindow();
});

app.on('window-all-closed', () => {
  void desk?.close();
  app.quit();
});
