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

/**
 * Live-monitoring settings from the environment (for hosts without flags, e.g. the desktop app):
 * RISK_DESK_FEED (feed URL), REDIS_URL (snapshot cache), RISK_CACHE_DURATION (cache expiry, whole seconds).
 */
export function liveSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): { feedUrl?: string; redisUrl?: string; cacheSeconds?: number } {
  const raw = env.RISK_CACHE_DURATION?.trim();
  let cacheSeconds: number | undefined;
  if (raw) {
    cacheSeconds = Number(raw);
    if (!Number.isInteger(cacheSeconds) || cacheSeconds < 1) throw new Error(`RISK_CACHE_DURATION: "${raw}" must be a whole number of seconds, at least 1`);
  }
  return { feedUrl: env.RISK_DESK_FEED || undefined, redisUrl: env.REDIS_URL || undefined, cacheSeconds };
}
