import { spawnSync } from 'node:child_process';
import { readFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RESULTS_DIR } from './support/report';

/**
 * `npm run bench`: every sync benchmark in turn, each in its own process (each starts its own
 * sandboxes and Temporal dev server), then the plots and bench/results/summary.md. Arguments
 * after `--` go to every script, e.g. `npm run bench -- --seconds 20`; scripts ignore the
 * ones they do not know. One fails: the others still run, and the exit code says so.
 */
const SCRIPTS = ['initial-sync.ts', 'live-latency.ts', 'catch-up.ts', 'write-through.ts'];

function main(): void {
  const extra = process.argv.slice(2);
  const failed: string[] = [];
  for (const script of SCRIPTS) {
    process.stderr.write(`\n=== bench/${script} ${extra.join(' ')}\n`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, script), ...extra], { stdio: 'inherit' });
    if (r.status !== 0) failed.push(script);
  }
  spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'plot.ts')], { stdio: 'inherit' });
  const parts = ['initial-sync', 'live-latency', 'catch-up', 'write-through']
    .map((name) => join(RESULTS_DIR, `${name}.md`))
    .filter((file) => existsSync(file))
    .map((file) => readFileSync(file, 'utf8').trim());
  writeFileSync(join(RESULTS_DIR, 'summary.md'), `${parts.join('\n\n')}\n`);
  if (failed.length > 0) {
    process.stderr.write(`failed: ${failed.join(', ')}\n`);
    process.exitCode = 1;
  }
}

main();
