import { cpSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/** The drizzle-kit migrations travel with the bundle (out/migrations); electron-builder ships them as a resource. */
const copyMigrations = (): Plugin => ({
  name: 'risk-desk:copy-migrations',
  closeBundle() {
    cpSync(resolve(__dirname, 'electron/core/store/migrations'), resolve(__dirname, 'out/migrations'), { recursive: true });
  },
});

// Three builds: main (the Electron main process, plus the `risk-desk` CLI, which is plain Node),
// preload (the one bridge), renderer (the dashboard, also served by `risk-desk serve`).
export default defineConfig({
  main: {
    plugins: [copyMigrations()],
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'electron/main/index.ts'),
          cli: resolve(__dirname, 'electron/server/cli.ts'),
          // `risk-desk metrics` reads the positions on this second thread (electron/server/position-files.ts).
          'position-files-worker': resolve(__dirname, 'electron/server/position-files-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: { input: { index: resolve(__dirname, 'electron/preload/index.ts') } },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      // Served over HTTP by `risk-desk serve` too: ship it minified (electron-vite does not by default).
      minify: 'esbuild',
      rollupOptions: { input: resolve(__dirname, 'renderer/index.html') },
    },
    plugins: [react()],
  },
});
