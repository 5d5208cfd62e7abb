import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError } from '../../src/errors.js';
import { saveModel } from '../../src/io/model-file.js';
import { Linear } from '../../src/nn/linear.js';
import { writeRunReport } from '../../src/report/page.js';
import { fieldsWithPrefix, readRunFolder, stepSeries } from '../../src/report/run-folder.js';
import { MemoryModel } from '../../src/tasks/memory/model.js';
import { Rng } from '../../src/tensor/rng.js';

const root = mkdtempSync(join(tmpdir(), 'report-'));

function folder(name: string, records: Record<string, number>[], model?: 'gru' | 'rnn' | 'linear'): string {
  const dir = join(root, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'metrics.jsonl'), records.map((r) => `${JSON.stringify(r)}\n`).join(''));
  if (model === 'gru' || model === 'rnn') {
    const m = new MemoryModel({ cell: model, inputSize: 2, hidden: 6, outputSize: 1, readout: 'last' }, { rng: new Rng(1) });
    saveModel(join(dir, 'model.safetensors'), m, { task: 'adding', length: 15, ...m.config() }, { 'recur.training': JSON.stringify({ step: 40, mse: 0.1 }) });
  } else if (model === 'linear') {
    saveModel(join(dir, 'model.safetensors'), new Linear({ inFeatures: 3, outFeatures: 2 }), { task: 'toy' });
  }
  return dir;
}

const probed = Array.from({ length: 8 }, (_, i) => ({
  step: 5 * (i + 1), loss: 0.2 / (i + 1), grad_h_lag_0: 1e-2, grad_h_lag_10: 1e-3 * (i + 1), grad_h_lag_5: 1e-4, gate_sat_reset: 0.1 * i, gate_sat_update: 0.05,
}));
const evals = [{ step: 20, val_loss: 0.15, val_mse: 0.15 }, { step: 40, val_loss: 0.05, val_mse: 0.05 }];

test('a run with probe fields and a recurrent model gets every plot, inline, with nothing to fetch and no scripts', () => {
  const dir = folder('full', [...probed.slice(0, 4), evals[0]!, ...probed.slice(4), evals[1]!], 'gru');
  const { path, sections } = writeRunReport(dir);
  assert.equal(path, join(dir, 'report.html'));
  assert.deepEqual(sections.map((s) => [s.id, s.present]), [['summary', true], ['loss', true], ['gradient-flow', true], ['exact-flow', true], ['gate-saturation', true]]);
  const html = readFileSync(path, 'utf8');
  for (const id of ['plot-loss', 'plot-grad-flow', 'plot-exact-flow', 'plot-gates']) assert.match(html, new RegExp(`clip-path="url\\(#${id}-area\\)"`), id);
  assert.equal(html.match(/<svg /g)?.length, 4);
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  assert.doesNotMatch(html, /<script|<link|<img|@import|url\((?!#)/i);
  assert.deepEqual([...new Set(html.match(/https?:\/\/[^"' )]+/g))], ['http://www.w3.org/2000/svg']);
  assert.match(html, /data-label="lag 0"[\s\S]*data-label="lag 5"[\s\S]*data-label="lag 10"/, 'lags in numeric order');
  assert.match(html, /data-label="model.safetensors:rnn"/);
  assert.match(html, /T = 15 steps/, 'the exact flow runs over the task length');
});

test('a run without probe fields or model says so in the page instead of failing', () => {
  const dir = folder('bare', [{ step: 5, loss: 2 }, { step: 10, loss: 1.5 }, { step: 10, val_loss: 1.6, val_bpc: 2.3 }]);
  const { sections } = writeRunReport(dir, { out: join(root, 'bare.html') });
  const html = readFileSync(join(root, 'bare.html'), 'utf8');
  assert.deepEqual(sections.filter((s) => !s.present).map((s) => s.id), ['summary', 'gradient-flow', 'exact-flow', 'gate-saturation']);
  assert.match(html, /<section id="validation">/, 'val_bpc gets its own plot');
  assert.match(html, /Not logged in this run: metrics.jsonl has no grad_h_lag_\* fields/);
  assert.match(html, /No exact gradient flow: the folder has no model.safetensors/);
  assert.match(html, /no gate_sat_\* fields/);
});

test('the gate section of a plain RNN run says that it has no gates', () => {
  const dir = folder('rnn', probed.map(({ gate_sat_reset: _r, gate_sat_update: _u, ...rest }) => rest), 'rnn');
  const { sections } = writeRunReport(dir);
  assert.deepEqual(sections.filter((s) => !s.present).map((s) => s.id), ['gate-saturation']);
  assert.match(readFileSync(join(dir, 'report.html'), 'utf8'), /None: a plain RNN has no gates/);
});

test('a model without a recurrent layer and a folder without metrics are reported as missing parts', () => {
  const dir = join(root, 'nometrics');
  mkdirSync(dir);
  saveModel(join(dir, 'model.safetensors'), new Linear({ inFeatures: 3, outFeatures: 2 }), { task: 'toy' });
  const { sections } = writeRunReport(dir);
  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  assert.deepEqual(sections.filter((s) => s.present).map((s) => s.id), ['summary']);
  assert.match(html, /No loss curves: the folder has no metrics.jsonl/);
  assert.match(html, /No exact gradient flow for this model: model.safetensors: expected a recurrent layer/);
});

test('reading a path that is not a folder is a ConfigError', () => {
  assert.throws(() => readRunFolder(join(root, 'absent')), (e: unknown) => e instanceof ConfigError && /RUN_DIR '.*absent': expected a run folder .*, got nothing there/.test(e.message));
  writeFileSync(join(root, 'file'), 'x');
  assert.throws(() => readRunFolder(join(root, 'file')), (e: unknown) => e instanceof ConfigError && /got a file/.test(e.message));
});

test('series are read per field and probe fields sort by their lag', () => {
  const recs = [{ step: 1, a: 2, grad_h_lag_25: 1, grad_h_lag_3: 1 }, { step: 2, b: 1 }, { step: 3, a: 4 }, { a: 9 }];
  assert.deepEqual(stepSeries(recs, 'a'), { name: 'a', x: [1, 3], y: [2, 4] });
  assert.deepEqual(fieldsWithPrefix(recs, 'grad_h_lag_'), ['grad_h_lag_3', 'grad_h_lag_25']);
});
