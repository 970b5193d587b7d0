import type { Command } from 'commander';
import { join } from 'node:path';
import { startLocalStack } from '../../devserver/local-stack';

export function register(program: Command): void {
  program
    .command('start')
    .description('run the whole local stack: Temporal dev server with UI, worker (and, as they land, sandboxes, API and console); Ctrl-C stops all')
    .option('--data-dir <dir>', 'where the Temporal history and local databases are kept', join(process.cwd(), '.data'))
    .action(async (opts: { dataDir: string }) => {
      const stack = await startLocalStack({ dataDir: opts.dataDir, log: (line) => console.log(line) });
      let stopping = false;
      let firstSignalAt = 0;
      const stop = async (signal: string) => {
        if (stopping) {
          // The first Ctrl-C arrives twice (from the terminal and relayed by tsx): only a later
          // one is a person asking again.
          if (Date.now() - firstSignalAt < 2000) return;
          console.log(`dualwrite: ${signal} again: stopping now`);
          process.exit(130);
        }
        stopping = true;
        firstSignalAt = Date.now();
        console.log(`\ndualwrite: ${signal} received, stopping (again to force)...`);
        // A part that never finishes stopping must not keep the others (and the ports) alive.
        setTimeout(() => {
          console.log('dualwrite: stopping took over 30 s; exiting anyway');
          process.exit(1);
        }, 30_000).unref();
        await stack.stop();
        process.exit(0);
      };
      process.on('SIGINT', () => void stop('SIGINT'));
      process.on('SIGTERM', () => void stop('SIGTERM'));
      await stack.done;
    });
}
