import { Command, CommanderError } from 'commander';
import { commandModules } from './commands';

/** The `dualwrite` command. Each subcommand lives in its own file under commands/. */
export function buildProgram(): Command {
  const program = new Command('dualwrite')
    .description('Bidirectional, near-real-time sync between Dynamics 365 Finance & Operations and Dataverse, on Temporal.')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: true });
  for (const mod of commandModules) mod.register(program);
  return program;
}

/** Runs the CLI on the process's arguments; the bin script and `tsx src/cli/main.ts` both call it. */
export function run(argv: string[] = process.argv): void {
  buildProgram()
    .parseAsync(argv)
    .catch((err: unknown) => {
      if (err instanceof CommanderError) process.exit(err.exitCode);
      console.error(`dualwrite: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    });
}

if (require.main === module) run();
