import type { Command } from 'commander';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { describeConfig, loadRuntimeConfigWithSources, unknownVariables } from '../../config/runtime-config';
import { startWorkerProcess } from '../../runtime/worker-process';
import { runOperatorCommand } from '../output/failure';

export function register(program: Command): void {
  program
    .command('worker')
    .description('run a worker with the sync activities on DUALWRITE_TASK_QUEUE ("dualwrite"); configured by the environment (docs/configuration.md); Ctrl-C drains and stops')
    .option('--show-config', 'print the effective configuration (secrets masked) before starting')
    .action((opts: { showConfig?: boolean }) =>
      runOperatorCommand(async () => {
        const log = (line: string) => console.error(line);
        const { config, sources } = loadRuntimeConfigWithSources();
        for (const name of unknownVariables()) log(`dualwrite worker: warning: ${name} is not a dualwrite variable`);
        if (opts.showConfig) log(describeConfig(config, sources));
        // We drain and stop on signals ourselves, after the worker, so the runtime must not act on them.
        Runtime.install({ logger: new DefaultLogger(config.DUALWRITE_LOG_LEVEL === 'debug' ? 'DEBUG' : 'WARN'), shutdownSignals: [] });
        const worker = await startWorkerProcess(config, { log });
        log(`dualwrite worker: polling ${worker.summary}`);
        let signalled = false;
        const stop = (signal: NodeJS.Signals) => {
          if (signalled) return;
          signalled = true;
          log(`dualwrite worker: ${signal} received, finishing in-flight tasks`);
          void worker.stop();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        await worker.done;
        log('dualwrite worker: stopped');
      }),
    );
}
