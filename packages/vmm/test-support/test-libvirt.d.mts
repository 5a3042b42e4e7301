import type { TapCounters } from './test-vm.mjs';

export declare const LIBVIRT_URI: string;

export interface LibvirtDaemons {
  /** The daemons this process started (and `stop()` ends): none when they were running. */
  started: string[];
  stop(): Promise<void>;
}

export interface LibvirtTestVm {
  name: string;
  tap: string;
  dir: string;
  consoleText(): string;
  waitForConsole(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  tapCounters(): TapCounters;
  state(): Promise<string | null>;
  destroy(): Promise<void>;
}

export declare function libvirtUnavailableReason(): string | null;
export declare function ensureLibvirtDaemons(): Promise<LibvirtDaemons>;
export declare function startLibvirtTestVm(options?: { name?: string }): Promise<LibvirtTestVm>;
