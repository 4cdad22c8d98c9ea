// Packaging cannot run here (no Electron binary, no network for its tools), so everything up
// to it is checked: electron-builder's own loader and schema accept the config, the settings
// the app relies on are there, the icons exist at the sizes the platforms need, and the
// release workflow builds on all three OSes.
import fs from 'node:fs';
import path from 'node:path';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { describe, expect, it } from 'vitest';
import { APP_ID } from '../electron/main/logic/channels';

const root = path.resolve(__dirname, '..');
const pngSize = (file: string) => {
  const b = fs.readFileSync(file);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
};

describe('electron-builder config', async () => {
  const config = await getConfig(root, path.join(root, 'electron-builder.yml'), null);

  it('passes electron-builder validation', async () => {
    const debug = { isEnabled: false, add: () => undefined } as never;
    await expect(validateConfiguration(config, debug)).resolves.toBeUndefined();
    // The validator is a real gate: a misspelt fuse is refused.
    await expect(validateConfiguration({ ...config, electronFuses: { runAsNod: false } } as never, debug)).rejects.toThrow(/Invalid configuration object. electron-builder/);
  });

  it('uses the app id the main process registers as the Windows AppUserModelId', () => {
    expect(config.appId).toBe(APP_ID);
    expect(config.productName).toBe('Risk Desk');
  });

  it('ships migrations and icons as resources, better-sqlite3 unpacked and rebuilt for Electron', () => {
    expect(config.extraResources).toEqual(expect.arrayContaining([{ from: 'out/migrations', to: 'migrations' }, { from: 'resources', to: 'resources' }]));
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toContain('**/node_modules/better-sqlite3/**');
    expect(config.npmRebuild).toBe(true);
  });

  it('flips the fuses that close Node-level backdoors', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      grantFileProtocolExtraPrivileges: false,
      enableCookieEncryption: true,
    });
  });

  it('builds AppImage and deb, NSIS, dmg', () => {
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.win?.target).toEqual(['nsis']);
    expect(config.mac?.target).toEqual(['dmg']);
  });

  it('has an app icon large enough for every platform (macOS needs 512 px)', () => {
    const { width, height } = pngSize(path.join(root, 'build', 'icon.png'));
    expect(width).toBeGreaterThanOrEqual(512);
    expect(height).toBe(width);
  });
});

describe('release workflow', () => {
  const text = fs.readFileSync(path.join(root, '.github', 'workflows', 'release.yml'), 'utf8');

  it('builds installers on ubuntu, windows and macos runners with electron-builder', () => {
    for (const os of ['ubuntu-latest', 'windows-latest', 'macos-latest']) expect(text).toContain(os);
    expect(text).toMatch(/npx electron-builder --publish never/);
    expect(text).toMatch(/npm ci/);
  });
});
