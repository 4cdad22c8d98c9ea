// The layer rules of eslint.config.mjs, proved against planted violations.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layer boundaries', () => {
  it.each([
    ['electron/core/planted.ts', "import { app } from 'electron';\nexport const x = app;\n", /Only electron\/main and electron\/preload/],
    ['electron/server/planted.ts', "import { ipcMain } from 'electron';\nexport const x = ipcMain;\n", /Only electron\/main/],
    ['electron/core/planted.ts', "import { App } from '../../renderer/src/App';\nexport const x = App;\n", /must not import the renderer/],
    ['shared/planted.ts', "import fs from 'node:fs';\nexport const x = fs;\n", /shared\/ is pure/],
    ['shared/planted.ts', "import { Desk } from '../electron/core/desk';\nexport const x = Desk;\n", /imports nothing else of the project/],
    ['renderer/src/planted.ts', "import path from 'path';\nexport const x = path;\n", /runs in a browser/],
    ['renderer/src/planted.ts', "import { Desk } from '../../electron/core/desk';\nexport const x = Desk;\n", /only through the client interface/],
    ['renderer/src/planted.ts', "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n", /Only electron\/main/],
  ])('%s: rejects %s', async (file, code, message) => {
    const messages = await restrictedImports(file, code);
    expect(messages).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
  });

  it.each([
    ['electron/main/planted.ts', "import { app } from 'electron';\nexport const x = app;\n"],
    ['electron/core/planted.ts', "import fs from 'node:fs';\nimport { SEVERITIES } from '../../shared/domain';\nexport const x = [fs, SEVERITIES];\n"],
    ['renderer/src/planted.ts', "import { SEVERITIES } from '../../shared/domain';\nexport const x = SEVERITIES;\n"],
    ['shared/planted.ts', "import { SEVERITIES } from './domain';\nexport const x = SEVERITIES;\n"],
  ])('%s: allows a downward import', async (file, code) => {
    expect(await restrictedImports(file, code)).toEqual([]);
  });
});
