// Builds the native addon (build/Release/recur_native.node) with npm's bundled node-gyp, offline.
// Runs `configure` + `build`, never `rebuild`: node-gyp's clean step would delete build/, which is
// also tsc's output folder. On any failure it prints one warning and exits 0, so `npm install` still
// succeeds and recur falls back to the js backend. RECUR_SKIP_NATIVE=1 skips the build.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const prefix = resolve(dirname(process.execPath), '..');

function findNodeGyp() {
  const npmCli = process.env['npm_execpath'];
  const candidates = [
    process.env['npm_config_node_gyp'],
    npmCli ? join(dirname(npmCli), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js') : undefined,
    join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  return candidates.find((p) => p !== undefined && p !== '' && existsSync(p));
}

function warn(why, detail = '') {
  if (detail) process.stderr.write(`${detail.trimEnd().split('\n').slice(-25).join('\n')}\n`);
  process.stderr.write(`recur: warning: the native addon was not built (${why}); recur will use the slower js backend. ` +
    'Needs a C compiler with OpenMP (gcc), make and python3; rebuild with `npm run build`.\n');
  process.exit(0);
}

if (process.env['RECUR_SKIP_NATIVE'] === '1') warn('RECUR_SKIP_NATIVE=1');
const gyp = findNodeGyp();
if (!gyp) warn('node-gyp was not found next to npm');
// Use the headers installed with node (e.g. /usr/include/node) so nothing is downloaded.
const nodedir = process.env['npm_config_nodedir'] ??
  (existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? prefix : undefined);
const extra = nodedir ? [`--nodedir=${nodedir}`] : [];
for (const step of ['configure', 'build']) {
  const r = spawnSync(process.execPath, [gyp, step, '--release', ...extra], { cwd: root, encoding: 'utf8' });
  if (r.error) warn(`node-gyp ${step} could not start: ${r.error.message}`);
  if (r.status !== 0) warn(`node-gyp ${step} failed`, `${r.stdout ?? ''}\n${r.stderr ?? ''}`);
}
if (!existsSync(join(root, 'build', 'Release', 'recur_native.node'))) warn('node-gyp produced no recur_native.node');
process.stdout.write('recur: built the native addon (build/Release/recur_native.node)\n');
