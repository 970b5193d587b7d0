import type { Command } from 'commander';
import { liveStatuses } from '../../api/maps/live-status';
import { MAP_STATES } from '../../contracts/names';
import { runOperatorCommand } from '../output/failure';
import { listRow, renderMapList, withOperator, type OperatorContext } from './maps-lifecycle';

/** Pollers of the workflow task queue, or undefined when Temporal would not say. */
async function workflowPollers(ctx: OperatorContext): Promise<number | undefined> {
  try {
    const res = await ctx.client.workflowService.describeTaskQueue({
      namespace: ctx.session.temporal.namespace,
      taskQueue: { name: ctx.config.DUALWRITE_TASK_QUEUE },
      taskQueueType: 1, // TASK_QUEUE_TYPE_WORKFLOW
    });
    return res.pollers?.length ?? 0;
  } catch {
    return undefined;
  }
}

export function register(program: Command): void {
  program
    .command('status')
    .description('All maps at a glance: Temporal connection, workers polling, maps per state and the map table')
    .option('--json', 'print the same as JSON')
    .action((opts: { json?: boolean }) =>
      runOperatorCommand(() =>
        withOperator(async (ctx) => {
          const [rows, pollers] = await Promise.all([liveStatuses(ctx.client, ctx.catalog.map((m) => m.name)).then((l) => l.map(listRow)), workflowPollers(ctx)]);
          const byState: Record<string, number> = {};
          for (const r of rows) byState[r.state] = (byState[r.state] ?? 0) + 1;
          const totals = { backlog: rows.reduce((n, r) => n + (r.backlog ?? 0), 0), failed: rows.reduce((n, r) => n + (r.failed ?? 0), 0) };
          if (opts.json) {
            console.log(JSON.stringify({ temporal: ctx.session.temporal.summary, taskQueue: ctx.config.DUALWRITE_TASK_QUEUE, workers: pollers ?? null, states: byState, totals, maps: rows }, null, 2));
            return;
          }
          const states = [...MAP_STATES, 'Unknown'].filter((s) => byState[s]).map((s) => `${byState[s]} ${s}`);
          console.log(`${ctx.session.temporal.summary}`);
          console.log(`task queue "${ctx.config.DUALWRITE_TASK_QUEUE}": ${pollers === undefined ? 'pollers unknown' : pollers === 0 ? 'NO worker polling (start one with `dualwrite worker`)' : `${pollers} worker poller(s)`}`);
          console.log(`${rows.length} maps: ${states.join(', ')}; backlog ${totals.backlog}; failed records ${totals.failed}`);
          console.log('');
          console.log(renderMapList(rows));
          const attention = rows.filter((r) => r.state === 'Paused' || r.state === 'Failed' || r.state === 'Unknown');
          if (attention.length > 0) {
            console.log('');
            console.log(`needs attention: ${attention.map((r) => `${r.map} (${r.state})`).join(', ')}; see \`dualwrite maps show <map>\``);
          }
        }),
      ),
    );
}
