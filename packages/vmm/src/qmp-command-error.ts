import { PerfError } from '@arcbox/perf-core';

/** QEMU answered a command with an error object (`{"error": {"class", "desc"}}`). */
export class QmpCommandError extends PerfError {
  /** QMP error class: `GenericError`, `CommandNotFound`, `DeviceNotFound`, ... */
  readonly errorClass: string;
  readonly command: string;

  constructor(command: string, errorClass: string, desc: string) {
    super('COMMAND_FAILED', `QMP ${command} failed: ${errorClass}: ${desc}`, { field: command });
    this.name = 'QmpCommandError';
    this.command = command;
    this.errorClass = errorClass;
  }
}
