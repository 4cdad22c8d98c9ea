// The tray icon: paints the state DeskWatcher decides and routes menu clicks back by id.
import { Menu, type MenuItemConstructorOptions, nativeImage, type NativeImage, Tray } from 'electron';
import fs from 'node:fs';
import path from 'node:path';
import { type TrayAction, trayIconFiles, trayMenu, type TrayMenuInput, type TrayMenuItem } from './logic/tray-menu';
import type { TrayLevel } from './logic/tray-state';

export function trayImage(dir: string, level: TrayLevel, platform: NodeJS.Platform = process.platform): NativeImage {
  const image = nativeImage.createEmpty();
  for (const rep of trayIconFiles(level, platform)) image.addRepresentation({ scaleFactor: rep.scaleFactor, buffer: fs.readFileSync(path.join(dir, rep.file)) });
  return image;
}

export function toMenuTemplate(items: TrayMenuItem[], onAction: (action: TrayAction) => void): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    switch (item.kind) {
      case 'separator':
        return { type: 'separator' };
      case 'label':
        return { label: item.label, enabled: false };
      case 'check':
        return { label: item.label, type: 'checkbox', checked: item.checked, click: () => onAction(item.id) };
      case 'item':
        return { label: item.label, enabled: item.enabled ?? true, click: () => onAction(item.id) };
    }
  });
}

export class DeskTray {
  private readonly tray: Tray;
  private level: TrayLevel | null = null;

  constructor(
    private readonly iconDir: string,
    private readonly onAction: (action: TrayAction) => void,
  ) {
    this.tray = new Tray(trayImage(iconDir, 'grey'));
    // Windows and Linux: a left click opens the dashboard (macOS shows the menu).
    this.tray.on('click', () => onAction('open'));
  }

  paint(input: TrayMenuInput): void {
    if (input.state.level !== this.level) {
      this.tray.setImage(trayImage(this.iconDir, input.state.level));
      this.level = input.state.level;
    }
    this.tray.setToolTip(input.state.tooltip);
    this.tray.setContextMenu(Menu.buildFromTemplate(toMenuTemplate(trayMenu(input), this.onAction)));
  }

  destroy(): void {
    this.tray.destroy();
  }
}
