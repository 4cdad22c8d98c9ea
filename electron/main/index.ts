// The Electron main process entry. Everything that must happen before 'ready' is here; the
// rest is startShell (app.ts).
import { app } from 'electron';
import path from 'node:path';
import { createLogger } from '../core/ports';
import { startShell } from './app';
import { APP_ID } from './logic/channels';
import { registerAppScheme } from './protocol';

// The same folder the headless desk uses (electron/core/config.ts userDataDir), whatever the
// package name: "Risk Desk" under the OS's application-data folder.
app.setPath('userData', path.join(app.getPath('appData'), 'Risk Desk'));
// Windows shows notifications only for an app with an AppUserModelId (the installer's shortcut carries the same id).
if (process.platform === 'win32') app.setAppUserModelId(APP_ID);
registerAppScheme();

const logger = createLogger();
if (!app.requestSingleInstanceLock()) {
  // A second launch hands over to the first (which focuses its window) and leaves.
  app.quit();
} else {
  void app.whenReady().then(() =>
    startShell(logger).catch((err: unknown) => {
      logger.error({ err: err instanceof Error ? err.message : String(err) }, 'the desktop shell failed to start');
      app.exit(1);
    }),
  );
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => app.quit());
}
