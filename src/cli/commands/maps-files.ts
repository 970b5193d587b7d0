import { Command } from 'commander';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { EntitySetSchema } from '../../schema/entity-schema';
import { exportBundle, parseBundle, planImport, type MapBundle } from '../../maps/bundle';
import { STANDARD_CATALOG_DIR } from '../../maps/catalog';
import { diffCatalogs, renderDiff } from '../../maps/diff';
import { formatMapError, type MapError } from '../../maps/errors';
import { addLineNumbers, loadMapPaths } from '../../maps/loader';
import type { TableMap } from '../../maps/schema';
import { validateCatalog } from '../../maps/validate-catalog';
import { FINOPS_ENTITY_SETS } from '../../sandbox/finops/entities';
import { DATAVERSE_ENTITY_SETS } from '../../sandbox/dataverse/entities';

/**
 * File-level map commands: validate, export, import, diff. They work on map files and bundles
 * only; `maps list|show|enable|pause|resume|stop` (running maps) register on the same `maps`
 * command from another file through mapsCommand().
 */

/** The `maps` command group, created on first use so several files can add subcommands to it. */
export function mapsCommand(program: Command): Command {
  const existing = program.commands.find((c) => c.name() === 'maps');
  if (existing) return existing;
  return program.command('maps').description('Table maps: validate, export, import, diff, and control running maps');
}

class CliFailure extends Error {}

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CliFailure(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliFailure(`${path}: invalid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}

function loadSchemas(file: string | undefined): EntitySetSchema[] {
  if (!file) return [...FINOPS_ENTITY_SETS, ...DATAVERSE_ENTITY_SETS];
  const data = readJson(file);
  if (!Array.isArray(data)) throw new CliFailure(`${file}: expected a JSON list of entity set schemas`);
  return data as EntitySetSchema[];
}

function printErrors(errors: readonly MapError[], json: boolean): void {
  if (json) console.log(JSON.stringify({ ok: false, errors }, null, 2));
  else for (const e of errors) console.error(formatMapError(e));
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** A side of a diff: a bundle file, a folder of maps, or one map file. */
function loadSide(path: string): { maps: TableMap[]; errors: MapError[] } {
  if (!isDirectory(path)) {
    const data = readJson(path);
    if (typeof data === 'object' && data !== null && 'format' in data) {
      const { bundle, errors } = parseBundle(data, path);
      return { maps: bundle?.maps.map((e) => e.map) ?? [], errors };
    }
  }
  const { maps, errors } = loadMapPaths([path]);
  return { maps, errors };
}

async function run(action: () => void | Promise<void>): Promise<void> {
  try {
    await action();
  } catch (e) {
    if (!(e instanceof CliFailure)) throw e;
    console.error(`dualwrite: ${e.message}`);
    process.exitCode = 1;
  }
}

export function register(program: Command): void {
  const maps = mapsCommand(program);

  maps
    .command('validate')
    .description('Check map files (or folders of them) against the map format and the entity schemas; lists every problem')
    .argument('<paths...>', 'map files or folders')
    .option('--catalog <dir>', 'catalog that lookups and dependencies may refer to', STANDARD_CATALOG_DIR)
    .option('--schemas <file>', 'JSON list of entity set schemas (default: the sandboxes\' entity sets)')
    .option('--json', 'print the result as JSON')
    .action((paths: string[], opts: { catalog: string; schemas?: string; json?: boolean }) =>
      run(() => {
        const loaded = loadMapPaths(paths);
        const names = new Set(loaded.maps.map((m) => m.name));
        // Maps being validated replace their namesakes in the catalog they are checked against.
        const context = isDirectory(opts.catalog) ? loadMapPaths([opts.catalog]).maps.filter((m) => !names.has(m.name)) : [];
        const catalogErrors = validateCatalog([...loaded.maps, ...context], loadSchemas(opts.schemas), { files: loaded.files }).filter(
          (e) => e.map === undefined || names.has(e.map),
        );
        const errors = addLineNumbers([...loaded.errors, ...catalogErrors]);
        if (errors.length) {
          printErrors(errors, opts.json ?? false);
          if (!opts.json) console.error(`${errors.length} problem(s) in ${paths.join(', ')}`);
          process.exitCode = 1;
          return;
        }
        if (opts.json) console.log(JSON.stringify({ ok: true, maps: loaded.maps.map((m) => ({ name: m.name, version: m.version })) }, null, 2));
        else console.log(`ok: ${loaded.maps.length} map(s) valid (${loaded.maps.map((m) => `${m.name} ${m.version}`).join(', ')})`);
      }),
    );

  maps
    .command('export')
    .description('Write the maps of a folder into one bundle (versions, publisher, checksum)')
    .requiredOption('--out <file>', 'bundle file to write')
    .option('--dir <dir>', 'folder of map files', STANDARD_CATALOG_DIR)
    .option('--publisher <name>', 'publisher recorded in the bundle', 'dualwrite')
    .option('--schemas <file>', 'JSON list of entity set schemas (default: the sandboxes\' entity sets)')
    .action((opts: { out: string; dir: string; publisher: string; schemas?: string }) =>
      run(() => {
        const loaded = loadMapPaths([opts.dir]);
        const errors = addLineNumbers([...loaded.errors, ...validateCatalog(loaded.maps, loadSchemas(opts.schemas), { files: loaded.files })]);
        if (errors.length) {
          printErrors(errors, false);
          throw new CliFailure(`not exported: ${errors.length} problem(s) in ${opts.dir}`);
        }
        const bundle = exportBundle(loaded.maps, { publisher: opts.publisher, exportedAt: new Date().toISOString() });
        writeFileSync(opts.out, `${JSON.stringify(bundle, null, 2)}\n`);
        console.log(`exported ${bundle.maps.length} map(s) to ${opts.out} (checksum ${bundle.checksum.slice(0, 12)})`);
      }),
    );

  maps
    .command('import')
    .description('Validate a bundle completely, then write its maps into a folder; refuses downgrades unless --force')
    .argument('<bundle>', 'bundle file written by `maps export`')
    .option('--dir <dir>', 'folder to write the maps into', STANDARD_CATALOG_DIR)
    .option('--force', 'allow downgrades and changed maps without a version bump')
    .option('--dry-run', 'show what would change, write nothing')
    .option('--schemas <file>', 'JSON list of entity set schemas (default: the sandboxes\' entity sets)')
    .option('--json', 'print the plan as JSON')
    .action((file: string, opts: { dir: string; force?: boolean; dryRun?: boolean; schemas?: string; json?: boolean }) =>
      run(() => {
        const { bundle, errors: bundleErrors } = parseBundle(readJson(file), file);
        if (!bundle) {
          printErrors(bundleErrors, opts.json ?? false);
          throw new CliFailure(`not imported: ${bundleErrors.length} problem(s) in ${file}`);
        }
        const current = isDirectory(opts.dir) ? loadMapPaths([opts.dir]) : { maps: [], errors: [] };
        if (current.errors.length) {
          printErrors(current.errors, opts.json ?? false);
          throw new CliFailure(`not imported: the target folder ${opts.dir} has invalid maps; fix them first`);
        }
        const plan = planImport(bundle, current.maps, { force: opts.force, schemas: loadSchemas(opts.schemas) });
        if (opts.json) console.log(JSON.stringify({ ok: plan.errors.length === 0, changes: plan.changes, errors: plan.errors }, null, 2));
        else for (const c of plan.changes) console.log(`${c.action.padEnd(20)} ${c.name} ${c.from ? `${c.from} -> ` : ''}${c.to}`);
        if (plan.errors.length) {
          if (!opts.json) printErrors(plan.errors, false);
          throw new CliFailure(`not imported: ${plan.errors.length} problem(s); nothing was written`);
        }
        if (opts.dryRun) return;
        writeBundleMaps(bundle, opts.dir);
        if (!opts.json) console.log(`imported ${bundle.maps.length} map(s) into ${resolve(opts.dir)}`);
      }),
    );

  maps
    .command('diff')
    .description('Column-level differences between two bundles, folders or map files (a -> b)')
    .argument('<a>', 'bundle, folder or map file (before)')
    .argument('<b>', 'bundle, folder or map file (after)')
    .option('--json', 'print the diff as JSON')
    .action((a: string, b: string, opts: { json?: boolean }) =>
      run(() => {
        const before = loadSide(a);
        const after = loadSide(b);
        const errors = [...before.errors, ...after.errors];
        if (errors.length) {
          printErrors(errors, opts.json ?? false);
          throw new CliFailure('cannot diff invalid input');
        }
        const diff = diffCatalogs(before.maps, after.maps);
        console.log(opts.json ? JSON.stringify(diff, null, 2) : renderDiff(diff));
      }),
    );
}

function writeBundleMaps(bundle: MapBundle, dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const entry of bundle.maps) {
    const file = join(dir, `${entry.name}.json`);
    writeFileSync(file, `${JSON.stringify({ $schema: './schema.json', ...entry.map }, null, 2)}\n`);
  }
}
