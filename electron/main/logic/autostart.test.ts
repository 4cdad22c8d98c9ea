import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../core/testing';
import { autostartFile, desktopEntry, launchCommand, LinuxAutostart, startedHidden } from './autostart';

describe('Linux autostart', () => {
  let dir: ReturnType<typeof tempDir> | undefined;
  afterEach(() => dir?.cleanup());

  it('writes and removes an XDG autostart entry', () => {
    dir = tempDir();
    const file = autostartFile({ XDG_CONFIG_HOME: dir.dir }, '/home/x');
    expect(file).toBe(path.join(dir.dir, 'autostart', 'risk-desk.desktop'));
    const entry = new LinuxAutostart(file, launchCommand('/opt/Risk Desk/risk-desk', {}));
    expect(entry.isEnabled()).toBe(false);
    entry.set(true);
    expect(fs.readFileSync(file, 'utf8')).toContain('Exec="/opt/Risk Desk/risk-desk" --hidden\n');
    entry.set(false);
    expect(entry.isEnabled()).toBe(false);
  });

  it('starts the AppImage itself when run from one, quoting what the shell would expand', () => {
    expect(launchCommand('/tmp/.mount_x/risk-desk', { APPIMAGE: '/home/ana/Apps/Risk Desk.AppImage' })).toBe('"/home/ana/Apps/Risk Desk.AppImage" --hidden');
    expect(launchCommand('/opt/a"b$c', {})).toBe('"/opt/a\\"b\\$c" --hidden');
    expect(desktopEntry('x')).toMatch(/^\[Desktop Entry\]\nType=Application\nName=Risk Desk\n/);
  });

  it('a login start stays in the tray', () => {
    expect(startedHidden(['risk-desk', '--hidden'], false)).toBe(true);
    expect(startedHidden(['risk-desk'], true)).toBe(true);
    expect(startedHidden(['risk-desk'], false)).toBe(false);
  });
});
