import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as recur from '../src/index.js';

test('the package root exports the documented API', () => {
  for (const name of ['Tensor', 'RNN', 'GRU', 'LSTM', 'RNNCell', 'GRUCell', 'LSTMCell', 'Linear', 'Embedding', 'Dropout', 'Conv2d',
    'MaxPool2d', 'Sequential', 'crossEntropy', 'mseLoss', 'ctcLoss', 'ctcGreedyDecode', 'ctcBeamSearch', 'SGD', 'Adam', 'AdamW',
    'RMSprop', 'clipGradNorm', 'clipGradValue', 'saveModel', 'loadModelFile', 'RecurError', 'ShapeError', 'Rng', 'noGrad',
    'recurrentProbe', 'writeRunReport', 'AddingTask', 'CopyTask', 'MemoryModel', 'StreamingPredictor', 'forecast', 'TimeSeriesModel',
    'parseCsv', 'fitAR', 'naiveForecaster', 'mase']) {
    assert.ok(name in recur, `${name} is exported`);
  }
});

test('the README example runs: a bidirectional LSTM tagger trains one step and its loss goes down', () => {
  const { LSTM, Linear, Adam, crossEntropy, reshape, Tensor, Rng } = recur;
  const rng = new Rng(0);
  const lstm = new LSTM({ inputSize: 4, hiddenSize: 8, numLayers: 2, bidirectional: true }, { rng });
  const head = new Linear({ inFeatures: 16, outFeatures: 3 }, { rng });
  const opt = new Adam([...lstm.namedParameters(), ...head.namedParameters()], { lr: 1e-2 });
  const [T, B] = [6, 3];
  const x = Tensor.from(Array.from({ length: T * B * 4 }, () => rng.normal()), [T, B, 4]);
  const targets = Array.from({ length: T * B }, (_, i) => i % 3);
  const lossOf = (): recur.Tensor => crossEntropy(reshape(head.forward(lstm.forward(x, {}, [6, 4, 2]).output), [-1, 3]), targets);
  const first = lossOf();
  for (let i = 0; i < 20; i++) {
    opt.zeroGrad();
    const loss = lossOf();
    loss.backward();
    opt.step();
  }
  assert.ok(lossOf().item() < first.item() * 0.8);
});
