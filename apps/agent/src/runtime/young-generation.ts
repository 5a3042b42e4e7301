import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/** The V8 flag that stops the young generation from growing any further. */
export const STOP_YOUNG_GENERATION_GROWTH = '--semi-space-growth-factor=1';

const TUNED = /--(max-semi-space-size|min-semi-space-size|semi-space-growth-factor)\b/;

export interface YoungGenerationCap {
  /** Checks the young generation now; true once its growth is stopped. */
  check(): boolean;
  stop(): void;
}

export interface YoungGenerationCapOptions {
  /** Largest semi-space, bytes; 2 MiB by default (4 MiB of young generation). */
  semiSpaceBytes?: number;
  /** How often the size is looked at, ms; 10 s by default (0: only by `check`). */
  checkEveryMs?: number;
  execArgv?: readonly string[];
  nodeOptions?: string;
  setFlags?: (flags: string) => void;
  newSpaceBytes?: () => number;
}

const newSpace = () =>
  getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;

/**
 * Caps V8's young generation for the agent's life. V8 doubles it (1 MiB semi-spaces up to 16)
 * as objects keep surviving scavenges, which a process sampling every second does all day, and
 * keeps it: 32 MiB resident that a daemon allocating under a MiB a round has no use for (a
 * quarter of the RSS of a day of history for 100 containers). It is let grow to `semiSpaceBytes`
 * and then stopped there, since V8 reads the growth factor each time it would grow the space.
 * 2 MiB rather than 4: 5-7 MB less resident at 100 and 1,000 containers for 0.2-0.7 ms more
 * of garbage collection a second (--trace-gc, apps/agent README, Node flags); at 1 MiB the
 * scavenges of 1,000 containers cost 1.4-2.7 ms a second more. Whoever tunes the young generation
 * with Node flags (execArgv or NODE_OPTIONS) keeps their own setting: then nothing is done.
 * `pnpm start` and the service files start the agent with `--min-semi-space-size=2
 * --max-semi-space-size=2` (only a flag can set the starting size, which spares the scavenges
 * of the first MiB); this cap covers every other launch (the npm bin,
 * `node dist/main.js`) on Node 20; Node 24's V8 grows new space a page at a time even at
 * factor 1, so there it only slows the growth and the start flags are what bound it.
 */
export function capYoungGeneration(options: YoungGenerationCapOptions = {}): YoungGenerationCap {
  const execArgv = options.execArgv ?? process.execArgv;
  const nodeOptions = options.nodeOptions ?? process.env.NODE_OPTIONS ?? '';
  const setFlags = options.setFlags ?? setFlagsFromString;
  const size = options.newSpaceBytes ?? newSpace;
  // The young generation is two semi-spaces.
  const cap = 2 * (options.semiSpaceBytes ?? 2 * 2 ** 20);
  let stopped = execArgv.some((a) => TUNED.test(a)) || TUNED.test(nodeOptions);
  let timer: NodeJS.Timeout | null = null;
  const check = () => {
    if (!stopped && size() >= cap) {
      setFlags(STOP_YOUNG_GENERATION_GROWTH);
      stopped = true;
    }
    if (stopped && timer) {
      clearInterval(timer);
      timer = null;
    }
    return stopped;
  };
  const every = options.checkEveryMs ?? 10_000;
  if (!check() && every > 0) {
    timer = setInterval(check, every);
    timer.unref();
  }
  return {
    check,
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
