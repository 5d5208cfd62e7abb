// `recur diagnose gradients` in-process: files written, JSON contents, the table, the sweep, model files,
// input files, and every bad flag as a typed error.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { diagnose, diagnoseHelp } from '../../src/cli/diagnose.js';
import type { Io } from '../../src/cli/io.js';
import { cellOfLayer } from '../../src/diagnose/cell-params.js';
import { gradientFlow } from '../../src/diagnose/gradient-flow.js';
import type { GradientReport } from '../../src/diagnose/report.js';
import { CheckpointError, ConfigError, DataError, type RecurError } from '../../src/errors.js';
import { saveModel } from '../../src/io/model-file.js';
import { Module } from '../../src/nn/module.js';
import { GRU, LSTM, type RecurrentLayer } from '../../src/nn/recurrent.js';
import { Rng } from '../../src/tensor/rng.js';
import { assertWellFormedXml } from '../diagnose/well-formed-xml.js';

function recorder(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), isTty: false };
}

function scratch(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'recur-diagnose-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function runJson(args: string[]): Promise<GradientReport> {
  const io = recorder();
  assert.equal(await diagnose(['gradients', ...args, '--json'], io), 0);
  assert.equal(io.stdout.length, 1);
  return JSON.parse(io.stdout[0]!) as GradientReport;
}

async function expectError(args: string[], cls: new (...a: never[]) => RecurError, message: RegExp, hint?: RegExp): Promise<void> {
  await assert.rejects(diagnose(args, recorder()), (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${String(e)}`);
    assert.equal(e.code, cls === ConfigError ? 'bad_config' : cls === DataError ? 'bad_data' : 'bad_checkpoint');
    assert.match(e.message, message);
    if (hint) assert.match(e.hint, hint);
    return true;
  });
}

class Net extends Module {
  constructor(name: string, layer: RecurrentLayer) {
    super();
    this.addModule(name, layer);
  }
}

test('--help prints the usage and succeeds', async () => {
  const io = recorder();
  assert.equal(await diagnose(['--help'], io), 0);
  assert.equal(io.stdout[0], diagnoseHelp);
  assert.match(diagnoseHelp, /usage: recur diagnose gradients/);
  for (const flag of ['--cell', '--hidden', '--input-size', '--steps', '--input', '--seed', '--scale-sweep', '--out', '--json']) assert.ok(diagnoseHelp.includes(flag), flag);
});

test('gradients for fresh rnn, gru and lstm cells write gradients.json and a well-formed gradients.svg, and print a table', async (t) => {
  const dir = join(scratch(t), 'flow');
  const io = recorder();
  assert.equal(await diagnose(['gradients', '--cell', 'rnn,gru,lstm', '--hidden', '12', '--steps', '60', '--out', dir], io), 0);
  assert.deepEqual(readdirSync(dir).sort(), ['gradients.json', 'gradients.svg']);
  const report = JSON.parse(readFileSync(join(dir, 'gradients.json'), 'utf8')) as GradientReport;
  assert.equal(report.diagnostic, 'gradients');
  assert.equal(report.steps, 60);
  assert.equal(report.input, 'random');
  assert.equal(report.seed, 0);
  assert.deepEqual(report.models.map((m) => [m.name, m.cell, m.hidden, m.input_size, m.steps, m.scale, m.source]), [
    ['rnn', 'rnn', 12, 8, 60, 1, 'init'], ['gru', 'gru', 12, 8, 60, 1, 'init'], ['lstm', 'lstm', 12, 8, 60, 1, 'init'],
  ]);
  for (const m of report.models) {
    assert.deepEqual(m.lag, Array.from({ length: 60 }, (_, i) => i + 1));
    assert.equal(m.spectral.length, 60);
    for (let i = 0; i < 60; i++) {
      assert.ok(m.spectral[i]! > 0 && m.frobenius[i]! >= m.spectral[i]! * (1 - 1e-12), `${m.name} lag ${i + 1}`);
    }
    assert.equal(m.state_spectral !== undefined, m.cell === 'lstm');
  }
  const lstm = report.models[2]!;
  for (let i = 0; i < 60; i++) assert.ok(lstm.state_spectral![i]! >= lstm.spectral[i]! * (1 - 1e-12), 'a block is no bigger than the whole');
  const svg = readFileSync(join(dir, 'gradients.svg'), 'utf8');
  assertWellFormedXml(svg);
  assert.deepEqual([...svg.matchAll(/<path class="line" data-label="([^"]*)"/g)].map((m) => m[1]), ['rnn', 'gru', 'lstm']);
  assert.match(svg, /class="x-label"[^>]*>lag T − k \(steps\)</);
  assert.match(svg, /class="y-label"[^>]*>‖∂h_T\/∂h_k‖₂ \(log scale\)</);
  const text = io.stdout.join('\n');
  assert.match(text, /gradient flow over T = 60 steps \(random N\(0, 1\) input, seed 0\)/);
  assert.match(text, /model\s+norm\s+lag 1\s+lag 10\s+lag 50\s+lag 60/);
  assert.match(text, new RegExp(`^rnn\\s+‖·‖₂\\s+${report.models[0]!.spectral[0]!.toExponential(2).replace('+', '\\+')}`, 'm'));
  assert.match(text, /^\s+‖·‖F /m);
  assert.match(text, /note: for the LSTM these are the h_T-from-h_k block/);
  assert.match(text, /wrote .*gradients\.json and .*gradients\.svg/);
});

test('--json prints the same report that the file holds, and the same seed gives the same numbers', async (t) => {
  const dir = scratch(t);
  const io = recorder();
  await diagnose(['gradients', '--cell', 'gru', '--hidden', '6', '--steps', '20', '--seed', '3', '--out', dir, '--json'], io);
  assert.deepEqual(JSON.parse(io.stdout[0]!), JSON.parse(readFileSync(join(dir, 'gradients.json'), 'utf8')));
  const again = await runJson(['--cell', 'gru', '--hidden', '6', '--steps', '20', '--seed', '3']);
  assert.deepEqual(again, JSON.parse(io.stdout[0]!));
  const other = await runJson(['--cell', 'gru', '--hidden', '6', '--steps', '20', '--seed', '4']);
  assert.notDeepEqual(other.models[0]!.spectral, again.models[0]!.spectral);
});

test('the W_hh scale sweep shows vanishing at 0.5 and exploding at 4 for the tanh RNN', async () => {
  const r = await runJson(['--cell', 'rnn', '--hidden', '32', '--steps', '50', '--scale-sweep', '0.5,1,4']);
  assert.deepEqual(r.models.map((m) => [m.name, m.scale]), [['rnn ×0.5', 0.5], ['rnn ×1', 1], ['rnn ×4', 4]]);
  const at50 = r.models.map((m) => m.spectral[49]!);
  assert.ok(at50[0]! < 1e-10, `×0.5 vanishes: ${at50[0]}`);
  assert.ok(at50[2]! > 1e3, `×4 explodes: ${at50[2]}`);
  assert.ok(at50[0]! < at50[1]! && at50[1]! < at50[2]!);
});

test('a model file is diagnosed through its recurrent layer, exactly as the layer itself', async (t) => {
  const dir = scratch(t);
  const gru = new GRU({ inputSize: 3, hiddenSize: 5, reset: 'before' }, { rng: new Rng(8) });
  const path = join(dir, 'net.safetensors');
  saveModel(path, new Net('rnn', gru), { rnn: { cell: 'gru', reset: 'before' } });
  const r = await runJson([path, '--steps', '15', '--seed', '2']);
  assert.equal(r.models.length, 1);
  const m = r.models[0]!;
  assert.deepEqual([m.name, m.source, m.cell, m.hidden, m.input_size, m.note], ['net.safetensors:rnn', path, 'gru_reset_before', 5, 3, null]);
  const x = new Float64Array(15 * 3);
  const rng = new Rng(3); // the random input comes from seed + 1
  for (let i = 0; i < x.length; i++) x[i] = rng.normal();
  const want = gradientFlow(cellOfLayer(gru).params, x, 15);
  assert.deepEqual(m.spectral, want.spectral);
  assert.deepEqual(m.frobenius, want.frobenius);
  // a model file and fresh cells side by side
  const both = await runJson([path, '--cell', 'lstm', '--hidden', '4', '--steps', '5']);
  assert.deepEqual(both.models.map((e) => [e.name, e.input_size]), [['net.safetensors:rnn', 3], ['lstm', 8]]);
});

test('a stacked model file says which layer is diagnosed, and a projected LSTM is refused', async (t) => {
  const dir = scratch(t);
  const path = join(dir, 'deep.safetensors');
  saveModel(path, new LSTM({ inputSize: 2, hiddenSize: 3, numLayers: 2, bidirectional: true }), { cell: 'lstm' });
  const r = await runJson([path, '--steps', '4']);
  assert.equal(r.models[0]!.note, 'first layer (l0) of 2, forward direction');
  const io = recorder();
  await diagnose(['gradients', path, '--steps', '4'], io);
  assert.match(io.stdout.join('\n'), /note: deep\.safetensors is diagnosed through its first layer \(l0\) of 2, forward direction/);
  const proj = join(dir, 'proj.safetensors');
  saveModel(proj, new LSTM({ inputSize: 2, hiddenSize: 3, projSize: 2 }), { cell: 'lstm' });
  await expectError(['gradients', proj], ConfigError, /weight_hr_l0: expected an LSTM without projection/);
  await expectError(['gradients', join(dir, 'none.safetensors')], CheckpointError, /none\.safetensors: expected a model file, got no such file/);
});

test('--input reads a JSON or CSV sequence; its rows set T and its columns the input size', async (t) => {
  const dir = scratch(t);
  const json = join(dir, 'x.json');
  writeFileSync(json, JSON.stringify(Array.from({ length: 12 }, (_, i) => [Math.sin(i), Math.cos(i)])));
  const csv = join(dir, 'x.csv');
  writeFileSync(csv, `a,b\n${Array.from({ length: 12 }, (_, i) => `${Math.sin(i)},${Math.cos(i)}`).join('\n')}\n`);
  const a = await runJson(['--cell', 'rnn', '--hidden', '4', '--input', json]);
  const b = await runJson(['--cell', 'rnn', '--hidden', '4', '--input', csv]);
  assert.equal(a.steps, 12);
  assert.equal(a.input, json);
  assert.equal(a.models[0]!.input_size, 2);
  assert.deepEqual(a.models[0]!.spectral, b.models[0]!.spectral);
  const first8 = await runJson(['--cell', 'rnn', '--hidden', '4', '--input', json, '--steps', '8']);
  assert.equal(first8.models[0]!.lag.length, 8);
  await expectError(['gradients', '--cell', 'rnn', '--input', json, '--steps', '13'], DataError, /--steps: expected at most the 12 rows of .*x\.json, got 13/, /shorter --steps/);
  await expectError(['gradients', '--cell', 'rnn', '--input', json, '--input-size', '3'], DataError, /--input .*x\.json: expected 3 columns \(--input-size\), got 2/);
  const model = join(dir, 'm.safetensors');
  saveModel(model, new GRU({ inputSize: 5, hiddenSize: 2 }), {});
  await expectError(['gradients', model, '--input', json], DataError, /expected 5 columns \(the input size of m\.safetensors\), got 2/);
  await expectError(['gradients', '--input', join(dir, 'missing.csv')], DataError, /missing\.csv: expected a readable file, got no such file/);
});

test('every bad flag is a ConfigError with a message and a hint', async (t) => {
  const bad: [string[], RegExp, RegExp?][] = [
    [[], /diagnose: expected a subcommand, got none/, /recur diagnose gradients/],
    [['gradient'], /diagnose: expected the subcommand 'gradients', got 'gradient'/, /--help/],
    [['gradients', '--cell', 'transformer'], /--cell: expected rnn, rnn_relu, gru, gru_reset_before or lstm, got 'transformer'/, /--cell rnn,gru,lstm/],
    [['gradients', '--cell', 'rnn,gru,rnn_tanh'], /--cell: expected each cell once, got 'rnn' twice/],
    [['gradients', '--cell', 'rnn,'], /--cell: expected rnn, .* got ''/],
    [['gradients', '--hidden', '0'], /--hidden: expected an integer in \[1, 1024\], got '0'/, /--hidden 64/],
    [['gradients', '--hidden', '2048'], /--hidden: expected an integer in \[1, 1024\], got '2048'/],
    [['gradients', '--hidden', '1.5'], /--hidden: expected an integer in \[1, 1024\], got '1\.5'/],
    [['gradients', '--steps', 'ten'], /--steps: expected an integer in \[1, 10000\], got 'ten'/],
    [['gradients', '--steps', ''], /--steps: expected an integer in \[1, 10000\], got ''/],
    [['gradients', '--input-size=-1'], /--input-size: expected an integer in \[1, 65536\], got '-1'/],
    [['gradients', '--seed=-3'], /--seed: expected an integer in \[0, 4294967295\], got '-3'/],
    [['gradients', '--scale-sweep', '0.5,0,2'], /--scale-sweep: expected positive numbers separated by commas, got '0' in '0\.5,0,2'/, /0\.5,1,2,4/],
    [['gradients', '--scale-sweep', '1,x'], /--scale-sweep: expected positive numbers separated by commas, got 'x'/],
    [['gradients', '--scale-sweep', '2,2'], /--scale-sweep: expected each factor once, got 2 twice/],
    [['gradients', '--scale-sweep', Array(17).fill(1).map((_, i) => i + 1).join(',')], /--scale-sweep: expected at most 16 factors, got 17/],
    [['gradients', '--input', ''], /--input: expected 'random' or a file, got ''/],
    [['gradients', '--out', ''], /--out: expected a folder, got ''/],
    [['gradients', '--bogus'], /diagnose: Unknown option '--bogus'/, /recur diagnose --help/],
    [['gradients', 'm.safetensors', '--hidden', '8'], /--hidden: expected only with --cell, got it with model files/, /add --cell/],
  ];
  for (const [args, message, hint] of bad) await expectError(args, ConfigError, message, hint);
  const file = join(scratch(t), 'occupied');
  writeFileSync(file, 'x');
  await expectError(['gradients', '--cell', 'rnn', '--hidden', '2', '--steps', '2', '--out', file], ConfigError, /--out .*occupied: expected a folder to write into, got a file in the way/);
});
