// Loading the model file named on a command line, with errors that say what to pass instead.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { type ModelFile, loadModelFile, loadWeightsInto } from '../io/model-file.js';
import type { CharLM } from '../tasks/charlm/model.js';
import { charLMFromConfig } from '../tasks/charlm/task.js';
import type { Vocab } from '../tasks/charlm/vocab.js';

/** A model file path; a run folder stands for its model.safetensors. */
export function modelPath(arg: string): string {
  try {
    if (statSync(arg).isDirectory()) return join(arg, 'model.safetensors');
  } catch {
    // not there: loadModelFile says so
  }
  return arg;
}

/** A character language model with its vocabulary, weights loaded. */
export function loadCharLM(arg: string): { model: CharLM; vocab: Vocab; file: ModelFile } {
  const file = loadModelFile(modelPath(arg));
  const { model, vocab } = charLMFromConfig(file.config);
  loadWeightsInto(model, file.tensors);
  model.eval();
  return { model, vocab, file };
}
