// Where the shell finds its files, in development (electron-vite dev from the repository) and
// when packaged (app.asar plus the resources folder electron-builder writes).
import path from 'node:path';
import { APP_ORIGIN } from './channels';

export interface ShellPathsInput {
  isPackaged: boolean;
  /** app.getAppPath(): the repository root in development, .../resources/app.asar when packaged. */
  appPath: string;
  /** process.resourcesPath: where extraResources land when packaged. */
  resourcesPath: string;
  /** The folder of the built main bundle (out/main). */
  mainDir: string;
  userData: string;
  env: NodeJS.ProcessEnv;
}

export interface ShellPaths {
  dbFile: string;
  rendererRoot: string;
  preload: string;
  /** Tray icons and the window icon. */
  resources: string;
  /** What the window loads: the dev server in development, app://desk otherwise. */
  dashboardUrl: string;
}

export function shellPaths(i: ShellPathsInput): ShellPaths {
  const out = path.resolve(i.mainDir, '..');
  const devUrl = !i.isPackaged ? i.env.ELECTRON_RENDERER_URL : undefined;
  return {
    dbFile: i.env.RISK_DESK_DB || path.join(i.userData, 'risk-desk.db'),
    rendererRoot: path.join(out, 'renderer'),
    preload: path.join(out, 'preload', 'index.js'),
    resources: i.isPackaged ? path.join(i.resourcesPath, 'resources') : path.join(i.appPath, 'resources'),
    dashboardUrl: devUrl || `${APP_ORIGIN}/index.html`,
  };
}
