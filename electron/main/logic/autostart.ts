// Start at login on Linux, where Electron's setLoginItemSettings does nothing: an XDG
// autostart entry (~/.config/autostart/risk-desk.desktop), honoured by GNOME, KDE, Xfce.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function autostartFile(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string {
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'autostart', 'risk-desk.desktop');
}

/** The command to start the app: the AppImage itself when run from one, otherwise the installed binary. */
export function launchCommand(execPath: string, env: NodeJS.ProcessEnv = process.env): string {
  const bin = env.APPIMAGE || execPath;
  return `"${bin.replace(/(["`$\\])/g, '\\$1')}" --hidden`;
}

export function desktopEntry(command: string): string {
  return ['[Desktop Entry]', 'Type=Application', 'Name=Risk Desk', 'Comment=Portfolio risk monitoring', `Exec=${command}`, 'X-GNOME-Autostart-enabled=true', 'Terminal=false', ''].join('\n');
}

export class LinuxAutostart {
  constructor(
    private readonly file: string,
    private readonly command: string,
  ) {}

  isEnabled(): boolean {
    return fs.existsSync(this.file);
  }

  set(enabled: boolean): void {
    if (!enabled) {
      fs.rmSync(this.file, { force: true });
      return;
    }
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    fs.writeFileSync(this.file, desktopEntry(this.command));
  }
}

/** Started by the login entry (--hidden): stay in the tray instead of opening the window. */
export const startedHidden = (argv: readonly string[], wasOpenedAtLogin: boolean) => wasOpenedAtLogin || argv.includes('--hidden');
