// Checkpoints: one safetensors file with the model's weights under their PyTorch names, the optimizer's
// buffers under `optimizer.*`, the task's tensors under `task.*`, and everything else (step, RNG state,
// schedule, data position, run settings) as JSON in `__metadata__`. Written atomically.
import { readFileSync } from 'node:fs';
import { CheckpointError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { CONFIG_KEY, loadWeightsInto } from '../io/model-file.js';
import { type SafeTensor, decodeSafetensors, encodeSafetensors } from '../io/safetensors.js';
import type { Module } from '../nn/module.js';
import type { Optimizer, OptimizerState } from '../optim/optimizer.js';
import type { Rng } from '../tensor/rng.js';
import { type Buf, Tensor } from '../tensor/tensor.js';
import { version } from '../version.js';
import type { ScheduleState } from './schedule.js';
import type { TaskState } from './task.js';

export const CHECKPOINT_KEY = 'recur.checkpoint';

/** The JSON part of a checkpoint. */
export interface CheckpointMeta {
  step: number;
  elapsedSec: number;
  rng: number[];
  optimizer: Omit<OptimizerState, 'buffers'>;
  schedule: ScheduleState;
  task: Record<string, unknown>;
  /** The run's settings (CLI options), so `--resume` rebuilds the same run. */
  run: Record<string, unknown>;
  /** Best validation loss so far and evaluations without improvement (early stopping). */
  best: number | null;
  bad: number;
  bestMetrics: Record<string, number> | null;
}

export interface CheckpointParts {
  model: Module;
  modelConfig: Record<string, unknown>;
  optimizer: Optimizer;
  rng: Rng;
  task: TaskState;
  meta: Omit<CheckpointMeta, 'rng' | 'optimizer' | 'task'>;
}

function safe(data: Buf, shape: readonly number[]): SafeTensor {
  return data instanceof Float64Array ? { dtype: 'F64', shape, data } : { dtype: 'F32', shape, data };
}

export function saveCheckpoint(path: string, parts: CheckpointParts): void {
  const tensors = new Map<string, SafeTensor>();
  for (const [name, t] of parts.model.stateDict()) tensors.set(name, safe(t.data, t.shape));
  const { buffers, ...optimizer } = parts.optimizer.stateDict();
  for (const [key, b] of Object.entries(buffers)) tensors.set(`optimizer.${key}`, safe(b, [b.length]));
  for (const [key, t] of parts.task.tensors) tensors.set(`task.${key}`, safe(t.data, t.shape));
  const meta: CheckpointMeta = { ...parts.meta, rng: parts.rng.getState(), optimizer, task: parts.task.json };
  writeFileAtomic(path, encodeSafetensors(tensors, {
    format: 'pt', [CONFIG_KEY]: JSON.stringify(parts.modelConfig), [CHECKPOINT_KEY]: JSON.stringify(meta), 'recur.version': version,
  }));
}

export interface LoadedCheckpoint {
  meta: CheckpointMeta;
  modelConfig: Record<string, unknown>;
  tensors: Map<string, SafeTensor>;
}

/** Reads a checkpoint's JSON and tensors; `restoreCheckpoint` then puts them into live objects. */
export function readCheckpoint(path: string): LoadedCheckpoint {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new CheckpointError(`${path}: expected a checkpoint, got ${(e as { code?: string }).code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
      'pass the run folder given to --out (it holds checkpoint.safetensors)');
  }
  const { tensors, metadata } = decodeSafetensors(bytes, path);
  const raw = metadata[CHECKPOINT_KEY];
  const cfg = metadata[CONFIG_KEY];
  if (raw === undefined || cfg === undefined) {
    throw new CheckpointError(`${path}: expected a recur checkpoint, got a safetensors file without '${CHECKPOINT_KEY}'`, 'model.safetensors is a model, not a checkpoint; pass the run folder');
  }
  try {
    return { meta: JSON.parse(raw) as CheckpointMeta, modelConfig: JSON.parse(cfg) as Record<string, unknown>, tensors };
  } catch (e) {
    throw new CheckpointError(`${path}: checkpoint metadata is not valid JSON (${(e as Error).message})`, 'the file is corrupt');
  }
}

/** Restores model weights, optimizer state and RNG from a checkpoint; returns the task's state. */
export function restoreCheckpoint(ck: LoadedCheckpoint, model: Module, optimizer: Optimizer, rng: Rng): TaskState {
  const weights = new Map<string, SafeTensor>();
  const buffers: Record<string, Buf> = {};
  const taskTensors = new Map<string, Tensor>();
  for (const [name, t] of ck.tensors) {
    if (t.dtype !== 'F32' && t.dtype !== 'F64') throw new CheckpointError(`checkpoint tensor '${name}': expected F32 or F64, got ${t.dtype}`);
    if (name.startsWith('optimizer.')) buffers[name.slice('optimizer.'.length)] = t.data;
    else if (name.startsWith('task.')) taskTensors.set(name.slice('task.'.length), new Tensor(t.data.slice(), [...t.shape]));
    else weights.set(name, t);
  }
  loadWeightsInto(model, weights);
  optimizer.loadStateDict({ ...ck.meta.optimizer, buffers });
  rng.setState(ck.meta.rng);
  return { json: ck.meta.task, tensors: taskTensors };
}
