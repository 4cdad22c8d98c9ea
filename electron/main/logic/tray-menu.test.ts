import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TRAY_ICON_SIZES, trayIconFiles, trayMenu } from './tray-menu';
import { TRAY_LEVELS, trayState } from './tray-state';

const state = trayState([], { running: true, feed: 'live' });
const base = { state, mutedUntil: null, now: Date.parse('2026-03-10T16:20:00.000Z'), timeZone: 'UTC', openAtLogin: false, loginSupported: true };

describe('trayMenu', () => {
  it('offers open, the three mutes, start at login and quit', () => {
    const items = trayMenu(base);
    expect(items.filter((i) => i.kind === 'item' || i.kind === 'check').map((i) => ('id' in i ? i.id : ''))).toEqual(['open', 'mute:15m', 'mute:1h', 'mute:tomorrow', 'login', 'quit']);
    expect(items[0]).toEqual({ kind: 'label', label: 'no open alerts' });
    expect(items.find((i) => i.kind === 'check')).toEqual({ kind: 'check', id: 'login', label: 'Start at login', checked: false });
  });

  it('while muted, says until when and offers unmute', () => {
    const items = trayMenu({ ...base, mutedUntil: base.now + 15 * 60_000 });
    expect(items).toContainEqual({ kind: 'label', label: 'Muted until 16:35' });
    expect(items).toContainEqual({ kind: 'item', id: 'unmute', label: 'Unmute notifications' });
  });

  it('hides start at login where unsupported', () => {
    expect(trayMenu({ ...base, loginSupported: false }).some((i) => i.kind === 'check')).toBe(false);
  });
});

describe('tray icons', () => {
  it('every file the tray asks for exists in resources/tray, at its pixel size', () => {
    const dir = path.resolve(__dirname, '../../../resources/tray');
    for (const platform of ['darwin', 'win32', 'linux'] as const)
      for (const level of TRAY_LEVELS)
        for (const rep of trayIconFiles(level, platform)) {
          const png = fs.readFileSync(path.join(dir, rep.file));
          const width = png.readUInt32BE(16);
          const logical = Number(/-(\d+)(@2x)?\.png$/.exec(rep.file)![1]);
          expect(TRAY_ICON_SIZES).toContain(logical);
          expect(width, rep.file).toBe(/@2x/.test(rep.file) ? logical * 2 : logical);
        }
  });

  it('uses 16 px on macOS and Windows (with 1.5x and 2x), 24 px on Linux', () => {
    expect(trayIconFiles('red', 'win32').map((r) => [r.file, r.scaleFactor])).toEqual([
      ['tray-red-16.png', 1],
      ['tray-red-24.png', 1.5],
      ['tray-red-32.png', 2],
    ]);
    expect(trayIconFiles('grey', 'darwin').map((r) => r.file)).toEqual(['tray-grey-16.png', 'tray-grey-16@2x.png']);
    expect(trayIconFiles('green', 'linux').map((r) => r.file)).toEqual(['tray-green-24.png', 'tray-green-24@2x.png']);
  });
});
