/**
 * One error class for the whole library, with a stable machine-readable `code`.
 *
 * Messages read like help: they name the function, the parameter, the value received and what is
 * allowed, e.g. `crossbar: rows must be a positive integer, got -3`.
 */

/** Stable error codes. Tests and callers switch on these, never on message text. */
export type ErrorCode =
  /** An argument has the wrong type or is out of range. */
  | 'E_ARG'
  /** An options object has a key the function does not know. */
  | 'E_OPTION'
  /** Input data (CSV, IDX, measured curves, checkpoints) is malformed. */
  | 'E_DATA'
  /** The operation is not valid in the object's current state. */
  | 'E_STATE'
  /** A checksum or version check failed. */
  | 'E_CHECKSUM'
  /** A run was interrupted on request (the state stays consistent and can be resumed). */
  | 'E_INTERRUPTED'
  /** A file or folder could not be read or written (full disk, permissions, missing folder). */
  | 'E_IO'
  /** The sizes asked for would allocate more than the memory budget (see `memoryBudget`). */
  | 'E_BUDGET';

export interface CbramErrorDetails {
  /** The public function or method that rejected the input, e.g. `createCrossbar`. */
  fn: string;
  /** The parameter or option at fault, e.g. `rows` or `options.seed`. */
  param?: string;
  /** The offending value. */
  value?: unknown;
}

/**
 * The base class of every error CBRAM Lab throws on purpose.
 *
 * @example
 * try { createCrossbar({ rows: -3, cols: 4 }); }
 * catch (e) { if (e instanceof CbramError && e.code === 'E_ARG') console.log(e.message); }
 */
export class CbramError extends Error {
  readonly code: ErrorCode;
  readonly fn: string;
  readonly param: string | undefined;
  readonly value: unknown;

  constructor(code: ErrorCode, message: string, details: CbramErrorDetails) {
    super(message);
    this.name = 'CbramError';
    this.code = code;
    this.fn = details.fn;
    this.param = details.param;
    this.value = details.value;
  }
}

/** Is `e` a CbramError (optionally with a given code)? */
export function isCbramError(e: unknown, code?: ErrorCode): e is CbramError {
  return e instanceof CbramError && (code === undefined || e.code === code);
}
