import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { recur } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'report-cli-'));
// Headless Chromium (Debian package `chromium`) renders the page; CI installs it, elsewhere the test skips.
const CHROMIUM = process.env['CHROMIUM'] ?? 'chromium';
const hasChromium = spawnSync(CHROMIUM, ['--version'], { encoding: 'utf8' }).status === 0;
const missing = `headless Chromium not found ('${CHROMIUM} --version' failed): apt-get install chromium, or set CHROMIUM=/path/to/chromium`;
// .ci/run sets RECUR_REQUIRE_CHROMIUM=1: there a missing browser fails the test instead of skipping it.
const noChromium = hasChromium || process.env['RECUR_REQUIRE_CHROMIUM'] === '1' ? false : missing;

/** Loads `file` in headless Chromium: the DOM it built and every console message (CSP violations, SVG errors, …). */
function render(file: string): { dom: string; console: string[] } {
  assert.ok(hasChromium, missing);
  const r = spawnSync(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--enable-logging=stderr', '--v=0',
    '--dump-dom', pathToFileURL(file).href], { encoding: 'utf8', timeout: 90_000 });
  assert.equal(r.status, 0, r.stderr);
  return { dom: r.stdout, console: r.stderr.split('\n').filter((l) => l.includes(':CONSOLE')) };
}

const addingRun = join(dir, 'adding');
test('recur report writes report.html for an adding run with its four plots', () => {
  const t = recur(['train', 'adding', '--length', '12', '--hidden', '8', '--batch', '8', '--steps', '30', '--log-every', '5', '--eval-every', '10', '--cell', 'lstm', '--out', addingRun, '--quiet']);
  assert.equal(t.status, 0, t.stderr);
  const r = recur(['report', addingRun, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { report: string; sections: Record<string, boolean> };
  assert.equal(out.report, join(addingRun, 'report.html'));
  assert.deepEqual(out.sections, { summary: true, loss: true, 'gradient-flow': true, 'exact-flow': true, 'gate-saturation': true });
});

test('headless Chromium renders the report with every plot and no console error', { skip: noChromium }, () => {
  const { dom, console } = render(join(addingRun, 'report.html'));
  assert.deepEqual(console, [], 'no CSP violation, blocked request or SVG error');
  for (const id of ['loss', 'gradient-flow', 'exact-flow', 'gate-saturation']) {
    assert.match(dom, new RegExp(`<section id="${id}">\\s*<h2>[^<]+</h2>\\s*<figure><svg`), `section ${id} holds an svg`);
  }
  assert.equal(dom.match(/<svg /g)?.length, 4);
  const lines = [...dom.matchAll(/<path class="line" data-label="([^"]+)" d="([^"]*)"/g)].map((m) => [m[1], m[2]!.length > 20]);
  for (const label of ['train loss', 'val loss', 'lag 0', 'lag 10', 'input', 'forget', 'output', 'model.safetensors:rnn']) {
    assert.ok(lines.some(([l, drawn]) => l === label && drawn), `a drawn line '${label}' in ${JSON.stringify(lines)}`);
  }
});

test('Chromium reports a broken page, so the check above can fail', { skip: noChromium }, () => {
  const bad = join(dir, 'bad.html');
  writeFileSync(bad, `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'"></head><body><img src="https://example.com/x.png"><svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0 L"/></svg></body></html>`);
  assert.equal(render(bad).console.length, 2);
});

test('a charlm run without probe fields gets a report that says what it lacks', () => {
  const text = join(dir, 'text.txt');
  writeFileSync(text, 'the cat sat on the mat. '.repeat(40));
  const run = join(dir, 'charlm');
  const t = recur(['train', 'charlm', '--text', text, '--hidden', '8', '--layers', '1', '--embed', '4', '--seq', '8', '--batch', '2', '--steps', '10',
    '--eval-every', '5', '--log-every', '5', '--grad-lags', 'none', '--out', run, '--quiet']);
  assert.equal(t.status, 0, t.stderr);
  const r = recur(['report', run]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^wrote .*report\.html \(not in this run: gradient flow during training; gate saturation\)$/m);
});

test('recur report on a missing folder exits 2 with an error and a hint', () => {
  const r = recur(['report', join(dir, 'nope')]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^error: RUN_DIR '.*nope': expected a run folder .*got nothing there$/m);
  assert.match(r.stderr, /^hint: pass the --out folder of a `recur train` run$/m);
  const none = recur(['report']);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /usage: recur report RUN_DIR/);
});
