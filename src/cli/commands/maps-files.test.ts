import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { STANDARD_CATALOG_DIR } from '../../maps/catalog';
import { mapsCommand, register } from './maps-files';

const run = promisify(execFile);
const MAIN = resolve(__dirname, '..', 'main.ts');
/** The standard catalog grows with the business scenarios: count it rather than hard-code it. */
const CATALOG_SIZE = readdirSync(STANDARD_CATALOG_DIR).filter((f) => f.endsWith('.json') && f !== 'schema.json').length;

/** Runs the real CLI in a child process; resolves with exit code and output, never rejects. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', MAIN, 'maps', ...args], { cwd: resolve(__dirname, '..', '..', '..') });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('dualwrite maps (file commands)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'dualwrite-maps-cli-'));
    cpSync(STANDARD_CATALOG_DIR, join(dir, 'maps'), { recursive: true });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('mapsCommand returns the same group to every caller, so other files can add subcommands', () => {
    const program = new Command('dualwrite');
    register(program);
    const group = mapsCommand(program);
    assert.equal(mapsCommand(program), group);
    assert.equal(program.commands.filter((c) => c.name() === 'maps').length, 1);
    assert.deepEqual(group.commands.map((c) => c.name()).sort(), ['diff', 'export', 'import', 'validate']);
  });

  it('validate: ok on the standard catalog', async () => {
    const r = await cli('validate', join(dir, 'maps'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`ok: ${CATALOG_SIZE} map\\(s\\) valid`));
  });

  it('validate: every problem with file and path, exit 1, no stack trace', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ name: 'bad', version: '1.0.0', publisher: 'me', scope: 'company', finops: { entitySet: 'CustomersV3', key: ['CustomerAccount'] }, dataverse: { entitySet: 'accounts', key: ['accountnumber'] }, columns: [{ finops: 'CustomerAccount', dataverse: 'accountnumber', direction: '<->' }, { finops: 'OrgName', dataverse: 'name', direction: '<->' }, { finops: 'CustomerGroupId', dataverse: 'msdyn_customergroupid', direction: '<->', lookup: { map: 'customer-group' } }] }));
    const r = await cli('validate', bad);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /bad\.json:\d+:\d+ \$\.columns\[1\]\.finops: F&O entity set CustomersV3 has no column 'OrgName'/);
    assert.match(r.stderr, /bad\.json:\d+:\d+ \$\.columns\[2\]\.lookup\.map: lookup to map 'customer-group', which is not in the catalog .*did you mean 'customer-groups'\?/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    const json = await cli('validate', bad, '--json');
    assert.equal(json.code, 1);
    const parsed = JSON.parse(json.stdout) as { ok: boolean; errors: { file: string; path: string }[] };
    assert.equal(parsed.ok, false);
    assert.ok(parsed.errors.every((e) => e.file === bad && e.path.startsWith('$')));
  });

  it('export, import into an empty folder, refuse a downgrade, diff', async () => {
    const bundle = join(dir, 'bundle.json');
    const exported = await cli('export', '--out', bundle, '--dir', join(dir, 'maps'), '--publisher', 'contoso');
    assert.equal(exported.code, 0, exported.stderr);
    assert.equal((JSON.parse(readFileSync(bundle, 'utf8')) as { publisher: string }).publisher, 'contoso');

    const target = join(dir, 'imported');
    const imported = await cli('import', bundle, '--dir', target);
    assert.equal(imported.code, 0, imported.stderr);
    assert.equal(readdirSync(target).filter((f) => f.endsWith('.json')).length, CATALOG_SIZE);

    // Bump a map in the target, then importing the older bundle is a downgrade.
    const file = join(target, 'currencies.json');
    const currencies = JSON.parse(readFileSync(file, 'utf8')) as { version: string; columns: { default?: unknown }[] };
    currencies.version = '1.1.0';
    currencies.columns[3]!.default = 2;
    writeFileSync(file, JSON.stringify(currencies));
    const refused = await cli('import', bundle, '--dir', target);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /would replace currencies 1\.1\.0 with the older 1\.0\.0/);
    assert.match(refused.stderr, /nothing was written/);
    assert.equal((JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version, '1.1.0', 'a refused import writes nothing');

    const diff = await cli('diff', bundle, target);
    assert.equal(diff.code, 0, diff.stderr);
    assert.equal(diff.stdout.trim(), ['~ currencies 1.0.0 -> 1.1.0', '    ~ column exchangerate: default 1 -> 2'].join('\n'));
    const diffJson = await cli('diff', bundle, target, '--json');
    assert.equal((JSON.parse(diffJson.stdout) as { changed: unknown[] }).changed.length, 1);

    const forced = await cli('import', bundle, '--dir', target, '--force');
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal((JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version, '1.0.0');
  });

  it('import refuses a tampered bundle', async () => {
    const bundle = join(dir, 'tampered.json');
    await cli('export', '--out', bundle, '--dir', join(dir, 'maps'));
    writeFileSync(bundle, readFileSync(bundle, 'utf8').replace('"exchangerate"', '"exchangerates"'));
    const r = await cli('import', bundle, '--dir', join(dir, 'other'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /checksum does not match/);
  });
});
