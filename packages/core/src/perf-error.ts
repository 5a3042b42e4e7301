const marker = Symbol.for('arcbox.perf.error');

/** Every failure code arcbox-perf raises. A "no data here" condition is not an error. */
export type PerfErrorCode =
  | 'PARSE_ERROR'
  | 'READ_ERROR'
  | 'MISSING_FILE'
  | 'TIMEOUT'
  | 'ABORTED'
  | 'INVALID_ARGUMENT'
  | 'UNSUPPORTED_PLATFORM'
  | 'COMMAND_FAILED'
  | 'PROTOCOL_ERROR'
  | 'CONNECTION_ERROR'
  | 'CONFIG_ERROR'
  | 'STORE_ERROR'
  | 'UNKNOWN_SERIES'
  | 'UNKNOWN_FIELD'
  | 'COLLECTOR_FAILED';

/** Where bad input was found: as much of file, line and field as is known. */
export interface PerfErrorLocation {
  file?: string;
  line?: number;
  field?: string;
}

export interface PerfErrorOptions extends PerfErrorLocation {
  cause?: unknown;
}

/**
 * The one error type of arcbox-perf. Recognised across duplicate copies of the package
 * through a `Symbol.for` marker, so use `PerfError.isInstance(e)` rather than `instanceof`.
 */
export class PerfError extends Error {
  readonly [marker] = true;
  readonly code: PerfErrorCode;
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly field: string | undefined;

  constructor(code: PerfErrorCode, message: string, options: PerfErrorOptions = {}) {
    super(
      withLocation(message, options),
      options.cause === undefined ? {} : { cause: options.cause },
    );
    this.name = 'PerfError';
    this.code = code;
    this.file = options.file;
    this.line = options.line;
    this.field = options.field;
  }

  static isInstance(value: unknown): value is PerfError {
    return typeof value === 'object' && value !== null && marker in value;
  }

  /** Wraps anything thrown into a PerfError, keeping one that already is. */
  static from(value: unknown, code: PerfErrorCode, message: string): PerfError {
    if (PerfError.isInstance(value)) return value;
    const detail = value instanceof Error ? value.message : String(value);
    return new PerfError(code, `${message}: ${detail}`, { cause: value });
  }
}

function withLocation(message: string, where: PerfErrorLocation): string {
  const parts: string[] = [];
  if (where.file !== undefined)
    parts.push(where.line === undefined ? where.file : `${where.file}:${where.line}`);
  if (where.field !== undefined) parts.push(`field ${where.field}`);
  return parts.length === 0 ? message : `${message} (${parts.join(', ')})`;
}
