/** The "Examples:" block every command's --help ends with. */
export function examples(list: ReadonlyArray<readonly [command: string, what: string]>): string {
  const width = Math.max(...list.map(([c]) => c.length));
  return `\nExamples:\n${list.map(([c, w]) => `  $ ${c.padEnd(width)}  # ${w}`).join('\n')}\n`;
}
