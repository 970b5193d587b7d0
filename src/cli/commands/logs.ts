import type { Command } from 'commander';
import { parseTimeArg } from '../../errors';
import { ACTIVITY_LEVELS, type ActivityLevel } from '../../store';
import { CliFailure, parseLimit, printJson, printTable, runCommand, withStore } from './errors';

function splitList(value: string | undefined): string[] | undefined {
  const items = value?.split(',').map((s) => s.trim()).filter(Boolean);
  return items && items.length > 0 ? items : undefined;
}

export function register(program: Command): void {
  program
    .command('logs')
    .description('The activity log: state changes, batches, initial syncs, reconciliations, alerts, retries; newest first')
    .option('--map <map>', 'only this map')
    .option('--type <types>', 'entry types, comma-separated: state-change, initial-sync, batch, reconciliation, alert, error, config')
    .option('--level <levels>', 'levels, comma-separated: info, warn, error')
    .option('--since <time>', 'at or after: ISO time or a duration back from now (15m, 2h, 7d)')
    .option('--until <time>', 'before: ISO time or a duration back from now')
    .option('--limit <n>', 'at most this many (1-1000)', '50')
    .option('--cursor <cursor>', 'continue after the previous page')
    .option('--json', 'print JSON')
    .action((opts: { map?: string; type?: string; level?: string; since?: string; until?: string; limit?: string; cursor?: string; json?: boolean }) =>
      runCommand(async () => {
        const now = new Date();
        const levels = splitList(opts.level);
        for (const l of levels ?? []) {
          if (!(ACTIVITY_LEVELS as readonly string[]).includes(l)) throw new CliFailure(`--level ${l}: expected one of ${ACTIVITY_LEVELS.join(', ')}`);
        }
        const types = splitList(opts.type);
        const query = {
          ...(opts.map ? { map: opts.map } : {}),
          ...(types ? { type: types } : {}),
          ...(levels ? { level: levels as ActivityLevel[] } : {}),
          ...(opts.since ? { since: parseTimeArg(opts.since, '--since', now) } : {}),
          ...(opts.until ? { until: parseTimeArg(opts.until, '--until', now) } : {}),
          ...(opts.cursor ? { cursor: opts.cursor } : {}),
          limit: parseLimit(opts.limit, 50),
        };
        await withStore(async (store) => {
          const page = await store.log.query(query);
          if (opts.json) return printJson(page);
          if (page.items.length === 0) return console.log('no log entries match');
          printTable(
            ['AT', 'LEVEL', 'TYPE', 'MAP', 'BY', 'MESSAGE'],
            page.items.map((e) => [e.at, e.level, e.type, e.map ?? '', e.actor ?? '', e.message]),
            120,
          );
          if (page.nextCursor) console.log(`more: --cursor ${page.nextCursor}`);
        });
      }),
    );
}
