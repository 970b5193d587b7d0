import { Client, Connection } from '@temporalio/client';
import { type Command, Option } from 'commander';
import { loadRuntimeConfig } from '../../config/runtime-config';
import { temporalConnectionOf } from '../../config/temporal-connection';
import { dataConverterOption } from '../../codec';
import { discardErrors, type ErrorFilterInput, listErrors, retryErrors, type RetryResult } from '../../errors';
import { type ErrorRecord, openStore, type Store } from '../../store';

/**
 * `dualwrite errors list|show|retry|discard`: the error queue. The helpers at the top are also
 * used by logs.ts and alerts.ts (same output conventions: tables for people, --json for scripts,
 * exit code 1 with one clear line on stderr).
 */

/** A failure the user can fix: printed as one line, exit code 1, no stack trace. */
export class CliFailure extends Error {}

export async function runCommand(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (e) {
    console.error(`dualwrite: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  }
}

/** Opens the control store of DUALWRITE_DATABASE_URL for the duration of `fn`. */
export async function withStore<T>(fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(loadRuntimeConfig().DUALWRITE_DATABASE_URL);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Connects to Temporal (TEMPORAL_ADDRESS, default 127.0.0.1:7233) only for commands that signal. */
export async function withTemporal<T>(fn: (client: Client | undefined, problem?: string) => Promise<T>): Promise<T> {
  let connection: Connection | undefined;
  let problem: string | undefined;
  try {
    const config = loadRuntimeConfig();
    const temporal = temporalConnectionOf(config);
    connection = await Connection.connect({ ...temporal.connectionOptions, connectTimeout: 5000 });
    const client = new Client({ connection, namespace: temporal.namespace, ...dataConverterOption(config) }); // security: encrypted payloads
    return await fn(client);
  } catch (err) {
    if (connection) throw err;
    problem = `cannot reach Temporal: ${err instanceof Error ? err.message : String(err)}`;
  } finally {
    await connection?.close();
  }
  return fn(undefined, problem);
}

export function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}

/** A plain-text table with a header; cells are cut to `max` characters. */
export function printTable(headers: readonly string[], rows: readonly (readonly string[])[], max = 60): void {
  const cut = (s: string) => (s.length > max ? `${s.slice(0, max - 1)}…` : s).replace(/\s+/g, ' ');
  const cells = [headers.map(cut), ...rows.map((r) => r.map(cut))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  for (const row of cells) console.log(row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd());
}

export function parseLimit(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new CliFailure(`--limit ${value}: expected a whole number from 1 to 1000`);
  return n;
}

function parseIds(values: readonly string[]): number[] {
  return values.map((v) => {
    const n = Number(v);
    if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < 1) throw new CliFailure(`"${v}" is not an error id: expected a positive whole number (dualwrite errors list shows them)`);
    return n;
  });
}

interface FilterOptions {
  map?: string;
  direction?: string;
  class?: string;
  status?: string;
  text?: string;
  since?: string;
  until?: string;
}

function filterOf(opts: FilterOptions): ErrorFilterInput {
  const { map, direction, class: cls, status, text, since, until } = opts;
  return { map, direction, class: cls, status, text, since, until } as ErrorFilterInput;
}

function hasFilter(filter: ErrorFilterInput): boolean {
  return Object.values(filter).some((v) => v !== undefined && v !== '');
}

function addFilterOptions(cmd: Command, statusHelp: string): Command {
  return cmd
    .option('--map <map>', 'only this map')
    .addOption(new Option('--direction <direction>', 'only this direction').choices(['finops-to-dataverse', 'dataverse-to-finops']))
    .option('--class <classes>', 'error classes, comma-separated (validation, missing-lookup, not-found, conflict, auth, throttled, unavailable, network, timeout, transform, parked)')
    .option('--status <statuses>', statusHelp)
    .option('--text <text>', 'case-insensitive text in the message, the error code or the record key')
    .option('--since <time>', 'last seen at or after: ISO time or a duration back from now (15m, 2h, 7d)')
    .option('--until <time>', 'last seen before: ISO time or a duration back from now');
}

const arrow = (r: ErrorRecord) => (r.direction === 'finops-to-dataverse' ? 'F→D' : 'D→F');

function printRecord(r: ErrorRecord): void {
  const lines: [string, string | number | undefined][] = [
    ['id', r.id],
    ['map', r.map],
    ['direction', r.direction],
    ['record key', r.recordKey],
    ['record id', r.recordId],
    ['class', r.class],
    ['status', `${r.status} (since ${r.statusChangedAt})`],
    ['http status', r.httpStatus],
    ['code', r.code],
    ['message', r.message],
    ['attempts', r.attempts],
    ['first seen', r.firstSeenAt],
    ['last seen', r.lastSeenAt],
  ];
  for (const [k, v] of lines) if (v !== undefined) console.log(`${`${k}:`.padEnd(13)} ${v}`);
  if (r.payload !== null && r.payload !== undefined) console.log(`payload sent:\n${JSON.stringify(r.payload, null, 2)}`);
  if (r.change) console.log(`source change (${r.change.op}):\n${JSON.stringify(r.change.payload ?? null, null, 2)}`);
}

function summariseRetry(result: RetryResult, requested?: number): void {
  const perMap = Object.entries(result.byMap).map(([m, n]) => `${m}: ${n}`).join(', ');
  console.log(`queued ${result.retried} record(s) for retry${perMap ? ` (${perMap})` : ''}`);
  if (result.retried > result.requeued) console.log(`${result.retried - result.requeued} change(s) were already waiting in the inbox`);
  if (result.notRunning.length) console.log(`not running (the changes wait in the inbox): ${result.notRunning.join(', ')}`);
  if (result.pokeError) console.error(`dualwrite: warning: ${result.pokeError}`);
  if (result.skippedIds.length) {
    console.error(`dualwrite: not retried (not open, or no such id): ${result.skippedIds.join(', ')}`);
    process.exitCode = 1;
  } else if (requested === undefined && result.retried === 0) {
    console.log('no open record matched');
  }
}

function selectionOf(ids: string[], opts: FilterOptions & { all?: boolean }): { ids: number[] } | ErrorFilterInput {
  const filter = filterOf(opts);
  if (ids.length > 0 && (opts.all || hasFilter(filter))) throw new CliFailure('give either error ids or --all with filters, not both');
  if (ids.length > 0) return { ids: parseIds(ids) };
  if (!opts.all) throw new CliFailure('nothing selected: give error ids (dualwrite errors list shows them) or --all, optionally with filters such as --map and --class');
  return filter;
}

export function register(program: Command): void {
  const errors = program.command('errors').description('The error queue: failed records with their reason; retry or discard them one by one or in bulk');

  addFilterOptions(errors.command('list').description('List failed records, newest first'), 'statuses, comma-separated: open, retrying, resolved, discarded (default all)')
    .option('--limit <n>', 'at most this many (1-1000)', '50')
    .option('--cursor <cursor>', 'continue after the previous page')
    .option('--json', 'print JSON')
    .action((opts: FilterOptions & { limit?: string; cursor?: string; json?: boolean }) =>
      runCommand(() =>
        withStore(async (store) => {
          const page = await listErrors(store, { ...filterOf(opts), limit: parseLimit(opts.limit, 50), ...(opts.cursor ? { cursor: opts.cursor } : {}) });
          if (opts.json) return printJson(page);
          if (page.items.length === 0) return console.log('no failed records match');
          printTable(
            ['ID', 'MAP', 'DIR', 'RECORD', 'CLASS', 'STATUS', 'TRIES', 'LAST SEEN', 'MESSAGE'],
            page.items.map((r) => [String(r.id), r.map, arrow(r), r.recordKey, r.class, r.status, String(r.attempts), r.lastSeenAt, r.message]),
          );
          if (page.nextCursor) console.log(`more: --cursor ${page.nextCursor}`);
        }),
      ),
    );

  errors
    .command('show')
    .description('Show one failed record with the payload sent and the source change')
    .argument('<id>', 'error id')
    .option('--json', 'print JSON')
    .action((id: string, opts: { json?: boolean }) =>
      runCommand(() =>
        withStore(async (store) => {
          const [n] = parseIds([id]);
          const record = await store.errors.get(n!);
          if (!record) throw new CliFailure(`no error record with id ${id}`);
          if (opts.json) printJson(record);
          else printRecord(record);
        }),
      ),
    );

  addFilterOptions(
    errors.command('retry').description('Apply failed records again: their changes go back to the inbox and the maps are told'),
    'with --all: statuses to take (default open; retrying takes over retries lost with a worker)',
  )
    .argument('[ids...]', 'error ids')
    .option('--all', 'every open record matching the filters')
    .option('--limit <n>', 'with --all: at most this many')
    .option('--json', 'print JSON')
    .action((ids: string[], opts: FilterOptions & { all?: boolean; limit?: string; json?: boolean }) =>
      runCommand(async () => {
        const selection = selectionOf(ids, opts);
        const limit = opts.limit === undefined ? undefined : parseLimit(opts.limit, 1000);
        const result = await withStore((store) =>
          withTemporal(async (client, problem) => {
            const r = await retryErrors({ store, ...(client ? { client } : {}) }, selection, { by: 'cli', ...(limit !== undefined ? { limit } : {}) });
            if (problem && r.pokeError) r.pokeError = `${problem}; the changes are safe in the inbox and apply when the map is next poked or resumed`;
            return r;
          }),
        );
        if (opts.json) {
          printJson(result);
          if (result.skippedIds.length) process.exitCode = 1;
        } else summariseRetry(result, 'ids' in selection ? selection.ids.length : undefined);
      }),
    );

  addFilterOptions(errors.command('discard').description('Close failed records for good (their changes are dropped)'), 'with --all: statuses to close (default open and retrying)')
    .argument('[ids...]', 'error ids')
    .option('--all', 'every open or retrying record matching the filters')
    .option('--yes', 'confirm --all without any filter (discards every open record)')
    .option('--json', 'print JSON')
    .action((ids: string[], opts: FilterOptions & { all?: boolean; yes?: boolean; json?: boolean }) =>
      runCommand(async () => {
        const selection = selectionOf(ids, opts);
        if (!('ids' in selection) && !hasFilter(selection) && !opts.yes) throw new CliFailure('--all without filters discards every open record of every map: add --yes to confirm, or narrow it with --map, --class, ...');
        const result = await withStore((store) => discardErrors(store, selection, { by: 'cli' }));
        if (opts.json) printJson(result);
        else console.log(`discarded ${result.discarded} record(s)`);
        if ('ids' in selection && result.discarded < selection.ids.length) {
          console.error(`dualwrite: ${selection.ids.length - result.discarded} of the ids were not open or retrying (or do not exist)`);
          process.exitCode = 1;
        }
      }),
    );
}
