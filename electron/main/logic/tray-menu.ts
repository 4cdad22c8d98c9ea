// The tray's icon files and menu, as data. The adapter turns the items into an Electron Menu
// and routes clicks by id.
import { type MuteChoice, muteLabel } from './mute';
import type { TrayLevel, TrayState } from './tray-state';

/** Tray sizes in logical pixels per platform; each also ships @2x. Windows scales 16 px by 1, 1.5 and 2. */
export const TRAY_ICON_SIZES = [16, 24, 32] as const;

export interface IconRepresentation {
  file: string;
  scaleFactor: number;
}

/** Which resources/tray/*.png make up the tray image for a level on a platform. */
export function trayIconFiles(level: TrayLevel, platform: NodeJS.Platform): IconRepresentation[] {
  const f = (size: number, suffix = '') => `tray-${level}-${size}${suffix}.png`;
  if (platform === 'win32')
    return [
      { file: f(16), scaleFactor: 1 },
      { file: f(24), scaleFactor: 1.5 },
      { file: f(32), scaleFactor: 2 },
    ];
  // macOS menu bar: 16 pt (22 pt bar); Linux panels (AppIndicator, GNOME, KDE): 24 px.
  const base = platform === 'darwin' ? 16 : 24;
  return [
    { file: f(base), scaleFactor: 1 },
    { file: f(base, '@2x'), scaleFactor: 2 },
  ];
}

export type TrayAction = 'open' | 'mute:15m' | 'mute:1h' | 'mute:tomorrow' | 'unmute' | 'login' | 'quit';

export type TrayMenuItem =
  | { kind: 'item'; id: TrayAction; label: string; enabled?: boolean }
  | { kind: 'check'; id: TrayAction; label: string; checked: boolean }
  | { kind: 'label'; label: string }
  | { kind: 'separator' };

export interface TrayMenuInput {
  state: TrayState;
  mutedUntil: number | null;
  now: number;
  timeZone: string;
  openAtLogin: boolean;
  /** Start at login is offered where the OS supports it (not on Linux AppImage/deb through Electron). */
  loginSupported: boolean;
}

const MUTE_LABELS: Record<MuteChoice, string> = { '15m': 'for 15 minutes', '1h': 'for 1 hour', tomorrow: 'until tomorrow' };

export function trayMenu(input: TrayMenuInput): TrayMenuItem[] {
  const muted = muteLabel(input.mutedUntil, input.now, input.timeZone);
  const items: TrayMenuItem[] = [
    { kind: 'label', label: input.state.tooltip.replace(/^Risk Desk: /, '') },
    { kind: 'separator' },
    { kind: 'item', id: 'open', label: 'Open dashboard' },
    { kind: 'separator' },
  ];
  if (muted) items.push({ kind: 'label', label: muted }, { kind: 'item', id: 'unmute', label: 'Unmute notifications' });
  for (const c of ['15m', '1h', 'tomorrow'] as const) items.push({ kind: 'item', id: `mute:${c}`, label: `Mute notifications ${MUTE_LABELS[c]}` });
  items.push({ kind: 'separator' });
  if (input.loginSupported) items.push({ kind: 'check', id: 'login', label: 'Start at login', checked: input.openAtLogin });
  items.push({ kind: 'item', id: 'quit', label: 'Quit Risk Desk' });
  return items;
}
