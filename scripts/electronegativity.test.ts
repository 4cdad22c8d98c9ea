// The security scan is a real gate: it finds HIGH issues in planted insecure code, and finds
// none in the shell's own main and preload sources. (`npm run security` scans the build too.)
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../electron/core/testing';
import { scan, scanSet } from './electronegativity.mjs';

describe('electronegativity gate', () => {
  const planted = tempDir();
  afterAll(() => planted.cleanup());

  it('reports HIGH findings for an insecure window', async () => {
    fs.mkdirSync(path.join(planted.dir, 'electron/main'), { recursive: true });
    fs.writeFileSync(
      path.join(planted.dir, 'electron/main/index.ts'),
      "import { BrowserWindow } from 'electron';\nexport const win = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false } });\n",
    );
    const findings = await scan(['electron/main/index.ts'], { base: planted.dir });
    const high = findings.filter((f) => f.severity === 'HIGH').map((f) => f.id);
    expect(high).toEqual(expect.arrayContaining(['CONTEXT_ISOLATION_JS_CHECK', 'LIMIT_NAVIGATION_GLOBAL_CHECK']));
  }, 60_000);

  it('finds nothing HIGH in the shell sources', async () => {
    const files = scanSet().filter((f) => f.startsWith('electron'));
    expect(files).toEqual(expect.arrayContaining([path.join('electron', 'main', 'window.ts'), path.join('electron', 'preload', 'index.ts')]));
    expect(files.some((f) => f.endsWith('.test.ts') || f.includes('testing'))).toBe(false);
    const findings = await scan(files);
    expect(findings.filter((f) => f.severity === 'HIGH')).toEqual([]);
  }, 60_000);
});
