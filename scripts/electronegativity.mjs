// `npm run security`: Doyensec's Electronegativity over the Electron code as built and as
// written (main, preload, the dashboard's HTML and bundle), failing on any HIGH finding.
//
// Offline by construction: Electronegativity fetches translations and Electron's release list
// over the network; both fetches are replaced by an immediate "no network" failure (the tool
// then uses its bundled English strings), and the release-list check is excluded, since
// the Electron version is pinned by package-lock.json and upgraded deliberately.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const toolRequire = createRequire(require.resolve('@doyensec/electronegativity/package.json'));

/** Checks that need the network; excluded rather than left to time out. */
export const NETWORK_CHECKS = ['AvailableSecurityFixesGlobalCheck'];

function offlineGot() {
  const gotPath = toolRequire.resolve('got');
  const refuse = () => Promise.reject(new Error('offline: electronegativity runs without network access'));
  refuse.default = refuse;
  require.cache[gotPath] = { id: gotPath, filename: gotPath, loaded: true, exports: refuse };
}

/** What is scanned: the sources of main and preload (tests and test fakes left out) and the build. */
export function scanSet(base = root) {
  const sources = ['electron/main', 'electron/preload'];
  const built = ['out/main/index.js', 'out/preload/index.js', 'out/renderer'];
  const files = [];
  const walk = (rel) => {
    const abs = path.join(base, rel);
    if (!fs.existsSync(abs)) return;
    if (fs.statSync(abs).isFile()) return void files.push(rel);
    for (const name of fs.readdirSync(abs)) walk(path.join(rel, name));
  };
  sources.forEach(walk);
  built.forEach(walk);
  return files.filter((f) => !/\.test\.tsx?$/.test(f) && !f.includes(`${path.sep}testing${path.sep}`) && /\.(ts|js|html)$/.test(f));
}

/**
 * Runs the scan over a staged copy of the files (Electronegativity takes one folder).
 * Returns the findings as { id, severity, confidence, file, line, description }.
 */
export async function scan(files, { base = root, electronVersion = require(path.join(root, 'node_modules/electron/package.json')).version } = {}) {
  offlineGot();
  const runner = toolRequire('@doyensec/electronegativity/dist/runner.js');
  const run = runner.default ?? runner;
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'risk-desk-electronegativity-'));
  const quiet = console.log;
  try {
    for (const f of files) {
      fs.mkdirSync(path.dirname(path.join(stage, f)), { recursive: true });
      fs.copyFileSync(path.join(base, f), path.join(stage, f));
    }
    // The tool prints a notice when its translation download fails; that is expected offline.
    console.log = (...args) => (String(args[0]).startsWith('Could not retrieve updated translations') ? undefined : quiet(...args));
    const result = await run({ input: stage, output: undefined, isSarif: false, customScan: [], excludeFromScan: NETWORK_CHECKS, severitySet: undefined, confidenceSet: undefined, isRelative: true, isVerbose: false, electronUpgrade: undefined, electronVersionOverride: electronVersion, parserPlugins: [] }, false);
    const parseErrors = result.errors.filter((e) => !e.tolerable).map((e) => `${path.relative(stage, e.file)}: ${e.message}`);
    if (parseErrors.length) throw new Error(`electronegativity could not parse:\n${parseErrors.join('\n')}`);
    return result.issues.map((i) => ({
      id: i.id,
      severity: i.severity.name,
      confidence: i.confidence.name,
      file: i.file === 'N/A' ? 'N/A' : path.relative(stage, path.resolve(stage, i.file)),
      line: i.location?.line,
      description: i.description,
      manualReview: Boolean(i.manualReview),
    }));
  } finally {
    console.log = quiet;
    fs.rmSync(stage, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = scanSet();
  if (!files.some((f) => f.startsWith('out'))) {
    console.error('electronegativity: no build output under out/; run `npm run build` first');
    process.exit(1);
  }
  const findings = await scan(files);
  const high = findings.filter((f) => f.severity === 'HIGH');
  for (const f of findings) console.log(`${f.severity.padEnd(13)} ${f.confidence.padEnd(9)} ${f.id.padEnd(36)} ${f.file}${f.line ? `:${f.line}` : ''}`);
  console.log(`electronegativity: ${files.length} files, ${findings.length} findings, ${high.length} HIGH`);
  process.exit(high.length ? 1 : 0);
}
