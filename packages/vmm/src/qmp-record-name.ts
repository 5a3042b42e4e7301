/**
 * File name of one recorded QMP reply: `<command>.json`, or `<command>--<argument values>.json`
 * when the command takes arguments (two `qom-get` calls must not overwrite each other).
 */
export function qmpRecordName(command: string, args?: Record<string, unknown>): string {
  const values =
    args === undefined
      ? []
      : Object.keys(args)
          .sort()
          .map((k) => String(typeof args[k] === 'object' ? JSON.stringify(args[k]) : args[k]));
  const suffix = values.length === 0 ? '' : `--${values.join('--')}`;
  return `${command}${suffix}`.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 200) + '.json';
}
