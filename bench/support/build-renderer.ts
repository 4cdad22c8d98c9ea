// Builds the dashboard alone (vite, the same React plugin as electron-vite's renderer build)
// into a directory, for benches and scripts that need the page without the whole app build.
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { build } from 'vite';

const ROOT = path.resolve(__dirname, '..', '..');

export async function buildRenderer(outDir: string): Promise<void> {
  await build({
    root: path.join(ROOT, 'renderer'),
    configFile: false,
    base: './',
    plugins: [react()],
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, reportCompressedSize: false },
  });
}
