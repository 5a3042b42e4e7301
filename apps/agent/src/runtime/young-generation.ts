import { setFlagsFromString } from 'node:v8';

/** The V8 flag that holds the young generation at its starting size. */
export const HOLD_YOUNG_GENERATION_FLAG = '--semi-space-growth-factor=1';

const TUNED = /--(max-semi-space-size|min-semi-space-size|semi-space-growth-factor)\b/;

/**
 * Holds V8's young generation at its starting size (1 MB semi-spaces) for the agent's life. V8
 * grows it towards 16 MB semi-spaces (32 MB resident) as objects keep surviving scavenges, which
 * a process sampling every second does all day; for a daemon allocating a few hundred KB a round
 * that buys nothing and costs a quarter of the RSS of a day of history (issue 6's benchmark:
 * 146 MB with the growth, 113 MB without). V8 reads the growth factor each time it would grow the
 * space, so setting it at start-up takes effect. Whoever tunes the young generation with Node
 * flags (execArgv or NODE_OPTIONS) keeps their own setting. Returns whether it was applied.
 */
export function holdYoungGeneration(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string = process.env.NODE_OPTIONS ?? '',
  setFlags: (flags: string) => void = setFlagsFromString,
): boolean {
  if (execArgv.some((a) => TUNED.test(a)) || TUNED.test(nodeOptions)) return false;
  setFlags(HOLD_YOUNG_GENERATION_FLAG);
  return true;
}
