// Layer rules (VS Code style: a layer may only import downward).
//   shared/          pure contract: imports no other part of the project, no Node, no DOM, no Electron
//   electron/core/   the engine: plain Node; never Electron, never the renderer
//   electron/server/ headless host: core + shared; never Electron
//   electron/main|preload: the only places allowed to import 'electron'
//   renderer/        the dashboard: shared only; no Node built-ins, no electron/*
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const electronImport = { name: 'electron', message: 'Only electron/main and electron/preload may import Electron.' };
const noElectron = { paths: [electronImport], patterns: [] };
const rendererGlob = { group: ['**/renderer/**', '**/renderer'], message: 'The engine must not import the renderer.' };

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'release/**', 'node_modules/**', 'coverage/**', 'electron/core/store/migrations/**', '**/lint-fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['shared/**/*.ts'],
    ignores: ['shared/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronImport, ...nodeBuiltins.map((name) => ({ name, message: 'shared/ is pure: no Node built-ins.' }))],
          patterns: [{ group: ['../*', '!./*'], message: 'shared/ imports nothing else of the project.' }],
        },
      ],
    },
  },
  {
    files: ['electron/core/**/*.ts', 'electron/server/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { ...noElectron, patterns: [rendererGlob] }] },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronImport, ...nodeBuiltins.map((name) => ({ name, message: 'The renderer runs in a browser: no Node built-ins.' }))],
          patterns: [{ group: ['**/electron/**', '**/electron'], message: 'The renderer talks to the engine only through the client interface in shared/.' }],
        },
      ],
    },
  },
);
