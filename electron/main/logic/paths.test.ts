import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { shellPaths } from './paths';

describe('shellPaths', () => {
  const dev = { isPackaged: false, appPath: '/repo', resourcesPath: '/electron/resources', mainDir: '/repo/out/main', userData: '/home/ana/.config/Risk Desk', env: {} };

  it('in development: the repository resources and the dev server when electron-vite provides one', () => {
    expect(shellPaths({ ...dev, env: { ELECTRON_RENDERER_URL: 'http://localhost:5173' } })).toEqual({
      dbFile: path.join('/home/ana/.config/Risk Desk', 'risk-desk.db'),
      rendererRoot: path.resolve('/repo/out/renderer'),
      preload: path.resolve('/repo/out/preload/index.js'),
      resources: path.join('/repo', 'resources'),
      dashboardUrl: 'http://localhost:5173',
    });
  });

  it('packaged: app://desk and the resources folder, whatever the environment says about a dev server', () => {
    const p = shellPaths({ ...dev, isPackaged: true, appPath: '/opt/Risk Desk/resources/app.asar', resourcesPath: '/opt/Risk Desk/resources', mainDir: '/opt/Risk Desk/resources/app.asar/out/main', env: { ELECTRON_RENDERER_URL: 'http://localhost:5173' } });
    expect(p.dashboardUrl).toBe('app://desk/index.html');
    expect(p.resources).toBe(path.join('/opt/Risk Desk/resources', 'resources'));
    expect(p.rendererRoot).toBe(path.resolve('/opt/Risk Desk/resources/app.asar/out/renderer'));
  });

  it('RISK_DESK_DB overrides the database file, as for the headless desk', () => {
    expect(shellPaths({ ...dev, env: { RISK_DESK_DB: '/data/desk.db' } }).dbFile).toBe('/data/desk.db');
  });
});
