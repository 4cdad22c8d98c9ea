// Where settings come from. Precedence: command-line flags, then environment variables
// (names kept compatible with existing deployments), then settings saved from the dashboard.
import os from 'node:os';
import path from 'node:path';

/** The per-user data directory, the same folder Electron's app.getPath('userData') uses for "Risk Desk". */
export function userDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform, home = os.homedir()): string {
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Risk Desk');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Risk Desk');
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'Risk Desk');
}

export function defaultDbFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.RISK_DESK_DB ?? path.join(userDataDir(env), 'risk-desk.db');
}

/** The first value that is set: flag, then environment, then saved setting, then default. */
export function pick<T>(...values: (T | undefined | null | '')[]): T | undefined {
  for (const v of values) if (v !== undefined && v !== null && v !== '') return v as T;
  return undefined;
}
