// `npm start`: the desktop app through electron-vite when the Electron runtime is present;
// otherwise one clear line and the same dashboard served headless.
import { spawnSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const electronDir = path.join(root, 'node_modules', 'electron');

/** Finds the Electron binary without triggering the electron package's download-on-require. */
function electronBinary() {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) return process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const pathFile = path.join(electronDir, 'path.txt');
  if (!fs.existsSync(pathFile)) return null;
  const bin = path.join(electronDir, 'dist', fs.readFileSync(pathFile, 'utf8').trim());
  return fs.existsSync(bin) ? bin : null;
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  return r.status === 0;
}

let binary = electronBinary();
if (!binary && process.env.RISK_DESK_NO_ELECTRON_DOWNLOAD !== '1') {
  // Electron 42+ fetches its runtime on first use rather than at install time.
  spawnSync(process.execPath, [path.join(electronDir, 'install.js')], { cwd: root, stdio: 'ignore', timeout: 180_000 });
  binary = electronBinary();
}

if (!binary) {
  console.log('Electron runtime not available on this machine: serving the same dashboard headless instead (risk-desk serve).');
  const child = spawn(process.execPath, [path.join(root, 'bin', 'risk-desk.js'), 'serve', ...process.argv.slice(2)], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
} else {
  // The native SQLite module must match Electron's ABI to load in the main process.
  // `npm test` needs it back on Node's ABI: `npm run rebuild:node` (npm rebuild better-sqlite3) afterwards.
  if (!run('npx', ['electron-builder', 'install-app-deps'])) process.exit(1);
  const child = spawn('npx', ['electron-vite', 'dev', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  child.on('exit', (code) => {
    console.log('better-sqlite3 is now built for Electron: run `npm run rebuild:node` before `npm test`.');
    process.exit(code ?? 0);
  });
}
