import { Command, CommanderError } from 'commander';
import { createColors } from 'picocolors';
import { loadCliConfig } from './cli-config.js';
import { type CliContext, type CliIo, wantsColor } from './cli-context.js';
import { registerAlertsCommand } from './commands/alerts-command.js';
import { registerExportCommand } from './commands/export-command.js';
import { registerHistoryCommand } from './commands/history-command.js';
import { registerListCommands } from './commands/list-commands.js';
import { registerProcessesCommand } from './commands/processes-command.js';
import { registerRecordCommand } from './commands/record-command.js';
import { registerReplayCommand } from './commands/replay-command.js';
import { registerSnapshotCommand } from './commands/snapshot-command.js';
import { registerTopCommand } from './commands/top-command.js';
import { examples } from './commands/examples.js';
import { formatError } from './report-error.js';
import { UsageError } from './usage-error.js';
import { cliVersion } from './version.js';

/** Exit codes: 0 ok; 1 a runtime error; 2 a usage error (bad flag or argument). */
export const EXIT_ERROR = 1;
export const EXIT_USAGE = 2;
/** `alerts check` could not check (its 1 and 2 mean warn and crit). */
export const EXIT_ALERTS_UNKNOWN = 3;

interface GlobalFlags {
  debug?: boolean;
  color?: boolean;
  config?: string;
}

/** Runs one command line against the given streams and returns the exit code. */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
  signal: AbortSignal,
): Promise<number> {
  let exitCode = 0;
  let debug = argv.includes('--debug');
  const stderrColor = createColors(
    wantsColor(io.stderr, io.env, argv.includes('--no-color') ? false : undefined),
  );

  const program = new Command('arcbox-perf')
    .description('Measure a Linux or macOS host running containers and VMs')
    .version(cliVersion, '-V, --version', 'print the version')
    .option('--debug', 'show stack traces and causes on errors')
    .option('--no-color', 'never use color (also: NO_COLOR=1)')
    .option(
      '--config <file>',
      "the agent's config file, YAML or JSON (default: $ARCBOX_PERF_CONFIG, ~/.config/arcbox-perf/agent.{yaml,yml,json}, /etc/arcbox-perf/agent.*)",
    )
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(stderrColor.red(s)),
    })
    .addHelpText(
      'after',
      examples([
        ['arcbox-perf snapshot', 'host metrics over one second'],
        ['arcbox-perf top', 'live view of host, containers and VMs'],
        ['arcbox-perf containers --json', 'one table of containers, like docker stats --no-stream'],
        ['arcbox-perf record ./rec --count 5', 'save raw readings to replay later'],
        ['arcbox-perf replay ./rec --json', 'metrics from a recording, one JSON document per pair'],
        ['arcbox-perf alerts check --rules rules.json', 'exit 0 ok, 1 warn, 2 crit'],
      ]),
    );

  const context = async (cmd: Command): Promise<CliContext> => {
    const flags = cmd.optsWithGlobals<GlobalFlags>();
    debug = flags.debug === true;
    const colorEnabled = wantsColor(io.stdout, io.env, flags.color);
    return {
      io,
      color: createColors(colorEnabled),
      colorEnabled,
      debug,
      config: await loadCliConfig(flags.config, io.env, signal),
      signal,
      setExitCode: (code) => {
        exitCode = code;
      },
    };
  };

  registerSnapshotCommand(program, context);
  registerTopCommand(program, context);
  registerListCommands(program, context);
  registerProcessesCommand(program, context);
  registerRecordCommand(program, context);
  registerExportCommand(program, context);
  registerHistoryCommand(program, context);
  registerAlertsCommand(program, context);
  registerReplayCommand(program, context);
  // Every subcommand exits through us, not process.exit, so the live view can restore the terminal.
  const configure = (commands: readonly Command[]) => {
    for (const cmd of commands) {
      cmd
        .exitOverride()
        .showHelpAfterError('(add --help for usage)')
        .configureOutput(program.configureOutput());
      configure(cmd.commands);
    }
  };
  configure(program.commands);

  // No command at all is a request for help, answered on stdout, as `git` and `docker` do.
  if (withoutGlobalOptions(argv).length === 0) {
    program.outputHelp();
    return 0;
  }
  // For `alerts`, whose 1 and 2 mean warn and crit, a usage error is 3: the check could not be done.
  const usageCode = withoutGlobalOptions(argv)[0] === 'alerts' ? EXIT_ALERTS_UNKNOWN : EXIT_USAGE;
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end this way too, with exit code 0.
      if (error.exitCode === 0 || error.code === 'commander.help') return 0;
      return usageCode;
    }
    if (error instanceof UsageError) {
      // Said as commander says its own usage errors.
      io.stderr.write(stderrColor.red(`error: ${error.message}\n`));
      io.stderr.write('(add --help for usage)\n');
      return usageCode;
    }
    io.stderr.write(formatError(error, { debug, color: stderrColor }));
    return exitCode !== 0 ? exitCode : EXIT_ERROR;
  }
}

/** The arguments once the program's own options (and --config's value) are set aside. */
function withoutGlobalOptions(argv: readonly string[]): string[] {
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--config') i += 1;
    else if (!['--debug', '--no-color'].includes(arg) && !arg.startsWith('--config='))
      rest.push(arg);
  }
  return rest;
}
