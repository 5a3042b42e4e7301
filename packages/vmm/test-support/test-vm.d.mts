export declare const GUEST_READ_BYTES_PER_ROUND: number;
export declare const GUEST_WRITE_BYTES_PER_ROUND: number;
export declare const GUEST_MEMORY_BYTES: number;

export interface TapCounters {
  rxBytes: number;
  txBytes: number;
  rxPackets: number;
  txPackets: number;
}

export interface TestVm {
  id: string;
  pid: number;
  qmpSocket: string;
  dir: string;
  netns: string;
  tap: string;
  consoleLog: string;
  consoleText(): string;
  waitForConsole(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  tapCounters(): Promise<TapCounters>;
  stop(): Promise<void>;
}

export declare function testVmUnavailableReason(): string | null;
export declare function prepareGuest(): { kernel: string; initrd: string };
export declare function startTestVm(options?: { id?: string; dir?: string }): Promise<TestVm>;
