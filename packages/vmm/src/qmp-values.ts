import { PerfError } from '@arcbox/perf-core';

/** A finite number field, or null when absent or not a number. */
export function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** The reply as an object, or a PARSE_ERROR naming the command. */
export function expectObject(value: unknown, command: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PerfError('PARSE_ERROR', `QMP ${command} did not return an object`, {
      field: command,
    });
  }
  return value as Record<string, unknown>;
}

/** The reply as an array, or a PARSE_ERROR naming the command. */
export function expectArray(value: unknown, command: string): unknown[] {
  if (!Array.isArray(value)) {
    throw new PerfError('PARSE_ERROR', `QMP ${command} did not return an array`, {
      field: command,
    });
  }
  return value;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
