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
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        console.log(`\ndualwrite: ${signal} received, stopping...`);
        await stack.stop();
        process.exit(0);
      };
      process.on('SIGINT', () => void stop('SIGINT'));
      process.on('SIGTERM', () => void stop('SIGTERM'));
      await stack.done;
    });
}
