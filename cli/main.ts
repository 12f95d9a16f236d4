import { isSsprError } from '../core/errors.ts';
import { EXIT, parseCommandArgs, type Command, type CommandIo } from './command.ts';
import { alertsCommand } from './commands/alerts.ts';
import { demoCommand } from './commands/demo.ts';
import { detectCommand } from './commands/detect.ts';
import { eventsCommand } from './commands/events.ts';
import { findingsCommand } from './commands/findings.ts';
import { ingestCommand } from './commands/ingest.ts';
import { kpiCommand } from './commands/kpi.ts';
import { pullCommand } from './commands/pull.ts';
import { quarantineCommand } from './commands/quarantine.ts';
import { serveCommand } from './commands/serve.ts';
import { statusCommand } from './commands/status.ts';
import { tokenCommand } from './commands/token.ts';

const commands: readonly Command[] = [
  demoCommand,
  ingestCommand,
  pullCommand,
  eventsCommand,
  detectCommand,
  findingsCommand,
  kpiCommand,
  quarantineCommand,
  statusCommand,
  alertsCommand,
  serveCommand,
  tokenCommand,
];

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'sspr — SSPR security analytics and anomaly alerting',
    '',
    'usage: sspr <command> [options]   (every command takes --db PATH, default ./data/sspr.db or $SSPR_DB, and --help)',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'exit codes: 0 ok, 3 partial (records quarantined), 1 fatal, 2 usage',
  ].join('\n');
}

/** Runs the CLI with the given arguments; returns the exit code. */
export async function main(argv: string[], io: CommandIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(`${help()}\n`);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr(`sspr: unknown command "${name}"\n\n${help()}\n`);
    return EXIT.usage;
  }
  try {
    const args = parseCommandArgs(command, rest);
    if (args.values.help) {
      io.stdout(`${command.summary}\nusage: ${command.usage}\n`);
      return EXIT.ok;
    }
    return await command.run(args, io);
  } catch (error) {
    if (isSsprError(error)) {
      io.stderr(`sspr ${command.name}: ${error.code}: ${error.message}\n`);
      return error.exitCode;
    }
    io.stderr(`sspr ${command.name}: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    return EXIT.fatal;
  }
}

if (import.meta.main) {
  const code = await main(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    interactive: Boolean(process.stderr.isTTY),
    env: process.env,
  });
  process.exitCode = code;
}
