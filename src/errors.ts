// Typed errors thrown at recur's public boundaries. Each carries a stable `code`, a message that reads
// "what: expected …, got …", and a `hint` saying what to do about it. Kernels never throw these.

/** Base class of every error recur throws on purpose. */
export class RecurError extends Error {
  readonly code: string = 'recur_error';
  readonly hint: string;
  constructor(message: string, hint = '') {
    super(message);
    this.name = new.target.name;
    this.hint = hint;
  }
}

function dims(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => d ?? '*').join(', ')}]`;
}

/** A tensor or array had the wrong rank or size. */
export class ShapeError extends RecurError {
  override readonly code = 'shape_mismatch';
  constructor(
    readonly arg: string,
    readonly expected: readonly (number | null)[],
    readonly actual: readonly number[],
    hint = '',
  ) {
    super(`${arg}: expected shape ${dims(expected)}, got ${dims(actual)}`, hint);
  }
}

/** An option or hyper-parameter was unknown, missing or out of range. */
export class ConfigError extends RecurError {
  override readonly code = 'bad_config';
}

/** Input data (lengths, targets, text, CSV cells) did not fit what was asked of it. */
export class DataError extends RecurError {
  override readonly code = 'bad_data';
}

/** A model or checkpoint file could not be read or written, or does not fit the model. */
export class CheckpointError extends RecurError {
  override readonly code = 'bad_checkpoint';
}

/** The native backend was asked for but cannot be used. */
export class BackendError extends RecurError {
  override readonly code = 'backend_unavailable';
}
