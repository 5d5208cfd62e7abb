// recur's public API: hand-picked named exports. Everything else is internal and may change.
export { BackendError, CheckpointError, ConfigError, DataError, RecurError, ShapeError } from './errors.js';
export { version } from './version.js';

export { Tensor, noGrad, type DType, type Nested } from './tensor/tensor.js';
export { Rng } from './tensor/rng.js';
export { add, concatLast, dot, linear, mean, mul, relu, reshape, scale, sigmoid, sliceRows, stack, sum, swap01, tanh } from './tensor/ops.js';
export { conv2d, maxPool2d } from './tensor/conv-ops.js';
export { embedding } from './tensor/gather-ops.js';

export { Module, type ModuleInit } from './nn/module.js';
export {
  GRU, LSTM, RNN, RecurrentLayer,
  type ForwardOptions, type GRUOptions, type LSTMOptions, type RNNOptions, type RecurrentOptions, type RecurrentOutput, type RecurrentState,
} from './nn/recurrent.js';
export { RecurrentStream, type StreamOptions } from './nn/recurrent-stream.js';
export { GRUCell, LSTMCell, RNNCell, type CellOptions } from './nn/cells.js';
export { Linear } from './nn/linear.js';
export { Embedding } from './nn/embedding.js';
export { Dropout } from './nn/dropout.js';
export { Conv2d } from './nn/conv2d.js';
export { MaxPool2d } from './nn/pool.js';
export { ReLU, Sigmoid, Tanh } from './nn/activation.js';
export { Sequential } from './nn/sequential.js';

export { crossEntropy, ctcBeamSearch, ctcGreedyDecode, ctcLoss, mseLoss, type Beam, type Reduction } from './loss/index.js';
export { Adam, AdamW, Optimizer, RMSprop, SGD, clipGradNorm, clipGradValue, type OptimizerState } from './optim/index.js';

export { decodeSafetensors, encodeSafetensors, type SafeTensor } from './io/safetensors.js';
export { loadModelFile, loadWeightsInto, saveModel, type ModelFile } from './io/model-file.js';
export { writeFileAtomic } from './io/atomic.js';

export { backend, setBackend, jsBackend, type Backend } from './backend/index.js';

export { recurrentProbe } from './diagnose/train-probe.js';
export { writeRunReport } from './report/page.js';
export { AddingTask, CopyTask } from './tasks/memory/task.js';
export { MemoryModel, type MemoryModelOptions } from './tasks/memory/model.js';
export { addingBatch, copyBatch } from './tasks/memory/data.js';
export { StreamingPredictor, type NextForecast } from './tasks/timeseries/predictor.js';
export { forecast, type Forecast, type ForecastRequest } from './tasks/timeseries/forecast.js';
export { TimeSeriesModel, type TimeSeriesModelOptions } from './tasks/timeseries/model.js';
export { parseCsv, readCsv, type CsvTable } from './tasks/timeseries/csv.js';
export {
  arForecaster, detectPeriod, fitAR, meanForecaster, naiveForecaster, rollingForecasts, seasonalNaiveForecaster, selectArOrder,
  type PointForecaster,
} from './tasks/timeseries/baselines.js';
export { coverage, mae, mase, rmse } from './tasks/timeseries/metrics.js';
