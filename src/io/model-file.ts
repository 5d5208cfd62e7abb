// A recur model file: one .safetensors holding every parameter under its PyTorch name (F32, or F64 for
// float64 models) and, in __metadata__, the model's config as JSON ("recur.config"), recur's version and
// "format": "pt" so that transformers/safetensors load it as PyTorch weights. Loads without any other file.
import { readFileSync } from 'node:fs';
import { CheckpointError, ConfigError } from '../errors.js';
import type { Module } from '../nn/module.js';
import { version } from '../version.js';
import { writeFileAtomic } from './atomic.js';
import { decodeSafetensors, encodeSafetensors, type SafeTensor } from './safetensors.js';

/** `__metadata__` key of the model's config (a JSON object). */
export const CONFIG_KEY = 'recur.config';
/** `__metadata__` key of the recur version that wrote the file. */
export const VERSION_KEY = 'recur.version';
const RESERVED = new Set(['format', CONFIG_KEY, VERSION_KEY]);

/** What `loadModelFile` returns: the raw tensors, the parsed config and every metadata string. */
export interface ModelFile {
  tensors: Map<string, SafeTensor>;
  config: Record<string, unknown>;
  metadata: Record<string, string>;
}

/**
 * The bytes of a model file: each of `module.stateDict()`'s parameters as F32 (F64 for float64 tensors)
 * under its PyTorch name; `__metadata__` holds `format: "pt"`, `recur.config` (JSON of `config`),
 * `recur.version` and any `extra` strings (vocabulary, task, …; they may not reuse those three keys).
 */
export function encodeModel(module: Module, config: Record<string, unknown>, extra: Readonly<Record<string, string>> = {}): Uint8Array {
  const tensors = new Map<string, SafeTensor>();
  for (const [name, t] of module.stateDict()) {
    tensors.set(name, t.data instanceof Float64Array ? { dtype: 'F64', shape: t.shape, data: t.data } : { dtype: 'F32', shape: t.shape, data: t.data });
  }
  for (const k of Object.keys(extra)) {
    if (RESERVED.has(k)) throw new CheckpointError(`metadata key: expected anything but ${[...RESERVED].join(', ')}, got '${k}'`, 'recur writes these keys itself');
  }
  return encodeSafetensors(tensors, { ...extra, format: 'pt', [CONFIG_KEY]: configJson(config), [VERSION_KEY]: version });
}

/**
 * Saves `module`'s parameters and `config` as one safetensors file at `path`, atomically (see
 * `writeFileAtomic`): a crash mid-save leaves the previous file intact. PyTorch loads the weights with
 * `safetensors.torch.load_file(path)` → `model.load_state_dict(...)`.
 *
 * @example
 * saveModel('charlm.safetensors', lstm, { kind: 'lstm', inputSize: 64, hiddenSize: 256, numLayers: 2 });
 */
export function saveModel(path: string, module: Module, config: Record<string, unknown>, extra: Readonly<Record<string, string>> = {}): void {
  writeFileAtomic(path, encodeModel(module, config, extra));
}

/** Parses model-file bytes (see `loadModelFile`); `source` names the file in messages. */
export function decodeModel(bytes: Uint8Array, source = 'model file'): ModelFile {
  const { tensors, metadata } = decodeSafetensors(bytes, source);
  const raw = metadata[CONFIG_KEY];
  const hint = 'the file was not saved by recur (saveModel); read plain safetensors with decodeSafetensors';
  if (raw === undefined) throw new CheckpointError(`${source} __metadata__: expected a '${CONFIG_KEY}' entry, got ${keysOf(metadata)}`, hint);
  let config: unknown;
  try {
    config = JSON.parse(raw);
  } catch (e) {
    throw new CheckpointError(`${source} '${CONFIG_KEY}': expected JSON, got invalid JSON (${(e as Error).message})`, 'the file is corrupt; re-save the model');
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new CheckpointError(`${source} '${CONFIG_KEY}': expected a JSON object, got ${config === null ? 'null' : Array.isArray(config) ? 'an array' : typeof config}`, 'the file is corrupt; re-save the model');
  }
  return { tensors, config: config as Record<string, unknown>, metadata };
}

/**
 * Reads a model file written by `saveModel`: tensors (views into the file's bytes where aligned), the
 * config object and all metadata. Throws CheckpointError for a missing or unreadable file, a truncated
 * or corrupt one, and a missing or invalid `recur.config`.
 */
export function loadModelFile(path: string): ModelFile {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as { code?: string }).code;
    const got = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a folder' : `${code ?? 'an error'} (${(e as Error).message})`;
    throw new CheckpointError(`${path}: expected a model file, got ${got}`, 'check the path (it is relative to the current folder)');
  }
  return decodeModel(bytes, path);
}

/**
 * Copies file tensors into `module` by PyTorch name via `module.loadStateDict` (strict: every parameter
 * present with its exact shape, no extra names). Float tensors only (F32, F64, F16, BF16); values are
 * rounded to the module's dtype. Shapes are checked for every tensor before any value is copied.
 */
export function loadWeightsInto(module: Module, tensors: ReadonlyMap<string, SafeTensor>): void {
  const state = new Map<string, { shape: readonly number[]; data: ArrayLike<number> }>();
  for (const [name, t] of tensors) {
    if (t.dtype !== 'F32' && t.dtype !== 'F64' && t.dtype !== 'F16' && t.dtype !== 'BF16') {
      throw new CheckpointError(`tensor '${name}' dtype: expected F32, F64, F16 or BF16, got ${t.dtype}`, 'model weights are floating point; this tensor is not a parameter');
    }
    state.set(name, t);
  }
  module.loadStateDict(state);
}

function configJson(config: Record<string, unknown>): string {
  let json: string | undefined;
  try {
    json = typeof config === 'object' && config !== null && !Array.isArray(config) ? JSON.stringify(config) : undefined;
  } catch (e) {
    throw new CheckpointError(`config: expected a JSON-serialisable object, got one that fails (${(e as Error).message})`, 'keep the config to plain numbers, strings, booleans, arrays and objects');
  }
  if (json === undefined) throw new CheckpointError(`config: expected an object, got ${Array.isArray(config) ? 'an array' : typeof config}`, 'pass the model options as a plain object');
  return json;
}

function keysOf(metadata: Record<string, string>): string {
  const keys = Object.keys(metadata);
  return keys.length === 0 ? 'no metadata' : `keys [${keys.join(', ')}]`;
}

/**
 * Rebuilds a model from the config stored in its file: picks `keys` (a CheckpointError names the first one
 * missing, with `origin` as the hint, e.g. "the file was not saved from a charlm model") and calls `build`,
 * whose ConfigError becomes a CheckpointError (a damaged file, or one from another version).
 */
export function modelFromConfig<O, M>(what: string, keys: readonly string[], config: unknown, origin: string, build: (options: O) => M): M {
  if (typeof config !== 'object' || config === null) {
    throw new CheckpointError(`${what} config: expected an object, got ${String(config)}`, 'the model file is damaged; re-save the model');
  }
  const c = config as Record<string, unknown>;
  const picked: Record<string, unknown> = {};
  for (const k of keys) {
    if (!(k in c)) throw new CheckpointError(`${what} config: expected key '${k}', got keys [${Object.keys(c).join(', ')}]`, origin);
    picked[k] = c[k];
  }
  try {
    return build(picked as O);
  } catch (e) {
    if (e instanceof ConfigError) throw new CheckpointError(`${what} config: ${e.message}`, 'the model file is damaged or from another version; re-save the model');
    throw e;
  }
}
