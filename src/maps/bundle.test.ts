import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DATAVERSE_ENTITY_SETS } from '../sandbox/dataverse/entities';
import { FINOPS_ENTITY_SETS } from '../sandbox/finops/entities';
import { exportBundle, parseBundle, planImport } from './bundle';
import { loadStandardCatalog } from './catalog';
import { diffCatalogs, renderDiff } from './diff';
import type { TableMap } from './schema';
import { compareVersions } from './semver';

const { maps } = loadStandardCatalog();
const schemas = [...FINOPS_ENTITY_SETS, ...DATAVERSE_ENTITY_SETS];
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

function edited(name: string, change: (m: TableMap) => void): TableMap[] {
  return maps.map((m) => {
    if (m.name !== name) return m;
    const copy = clone(m);
    change(copy);
    return copy;
  });
}

describe('bundles: export and parse', () => {
  it('round-trips through JSON with publisher, versions and a checksum', () => {
    const bundle = exportBundle(maps, { publisher: 'contoso', exportedAt: '2026-01-01T00:00:00Z' });
    assert.equal(bundle.publisher, 'contoso');
    assert.equal(bundle.maps.length, maps.length);
    assert.match(bundle.checksum, /^[0-9a-f]{64}$/);
    assert.ok(bundle.maps.every((e) => e.version === '1.0.0' && e.publisher === 'dualwrite' && !('$schema' in e.map)));
    const parsed = parseBundle(JSON.parse(JSON.stringify(bundle)));
    assert.deepEqual(parsed.errors, []);
    assert.deepEqual(parsed.bundle, bundle);
    // Same maps, same checksum, whatever the export time.
    assert.equal(exportBundle([...maps].reverse()).checksum, bundle.checksum);
  });

  it('refuses a bundle edited after export', () => {
    const bundle = clone(exportBundle(maps));
    (bundle.maps[0] as { map: TableMap }).map.columns[0]!.direction = '->';
    const { bundle: parsed, errors } = parseBundle(bundle, 'b.json');
    assert.equal(parsed, undefined);
    assert.deepEqual(errors.map((e) => e.code), ['checksum-mismatch']);
    assert.equal(errors[0]?.file, 'b.json');
  });

  it('reports every invalid map inside a bundle with its path in the bundle', () => {
    const bundle = clone(exportBundle(maps)) as unknown as { maps: { map: Record<string, unknown> }[] };
    bundle.maps[1]!.map.scope = 'everywhere';
    bundle.maps[2]!.map.deletes = 'sometimes';
    const { errors } = parseBundle(bundle);
    assert.deepEqual(errors.map((e) => `${e.path} ${e.code}`).filter((x) => !x.includes('checksum')), ['$.maps[1].map.scope invalid-value', '$.maps[2].map.deletes invalid-value']);
  });

  it('refuses something that is not a bundle', () => {
    const { errors } = parseBundle({ hello: 'world' });
    assert.ok(errors.length > 0);
    assert.ok(errors.every((e) => e.code === 'invalid-bundle' && /maps export/.test(e.expected)));
  });
});

describe('bundles: import plan', () => {
  it('adds into an empty catalog, then is unchanged on a second import', () => {
    const bundle = exportBundle(maps);
    const first = planImport(bundle, [], { schemas });
    assert.deepEqual(first.errors, []);
    assert.ok(first.changes.every((c) => c.action === 'add'));
    const second = planImport(bundle, first.catalog, { schemas });
    assert.ok(second.changes.every((c) => c.action === 'unchanged'));
  });

  it('upgrades, refuses downgrades and silent same-version changes unless forced', () => {
    const newer = edited('currencies', (m) => {
      m.version = '1.1.0';
      m.columns[3]!.default = 2;
    });
    const upgrade = planImport(exportBundle(newer), maps, { schemas });
    assert.deepEqual(upgrade.errors, []);
    assert.deepEqual(upgrade.changes.find((c) => c.name === 'currencies'), { name: 'currencies', action: 'upgrade', from: '1.0.0', to: '1.1.0' });

    const downgrade = planImport(exportBundle(maps), newer, { schemas });
    assert.deepEqual(downgrade.errors.map((e) => e.code), ['downgrade']);
    assert.match(downgrade.errors[0]?.hint ?? '', /--force/);
    assert.deepEqual(planImport(exportBundle(maps), newer, { schemas, force: true }).errors, []);

    const sneaky = edited('currencies', (m) => (m.columns[3]!.default = 2));
    assert.deepEqual(planImport(exportBundle(sneaky), maps, { schemas }).errors.map((e) => e.code), ['same-version-changed']);
  });

  it('validates the resulting catalog before anything is applied', () => {
    const broken = edited('vendor-groups', (m) => {
      m.version = '2.0.0';
      m.columns[0]!.dataverse = 'msdyn_nosuchcolumn';
    });
    const plan = planImport(exportBundle(broken.filter((m) => m.name === 'vendor-groups')), maps, { schemas });
    assert.ok(plan.errors.some((e) => e.code === 'unknown-column' && e.map === 'vendor-groups'));
    const orphan = planImport(exportBundle(maps.filter((m) => m.name === 'sales-order-lines')), [], {});
    assert.ok(orphan.errors.some((e) => e.code === 'unknown-dependency'));
  });
});

describe('diff', () => {
  it('is column-level and readable', () => {
    const after = edited('customers-v3-accounts', (m) => {
      m.version = '1.2.0';
      m.finops.filter = "PartyType eq 'Organization' and CustomerGroupId ne '99'";
      m.columns = m.columns.filter((c) => c.dataverse !== 'websiteurl');
      m.columns.find((c) => c.dataverse === 'telephone1')!.toDataverse = 'truncate(PrimaryContactPhone, 20)';
      m.columns.push({ finops: 'NameAlias', dataverse: 'description', direction: '->' });
    }).filter((m) => m.name !== 'units');
    const diff = diffCatalogs(maps, after);
    assert.deepEqual(diff.removed, [{ name: 'units', version: '1.0.0' }]);
    assert.deepEqual(diff.changed.map((d) => d.name), ['customers-v3-accounts']);
    const text = renderDiff(diff);
    assert.equal(
      text,
      [
        '- units 1.0.0 (map removed)',
        '~ customers-v3-accounts 1.0.0 -> 1.2.0',
        `    finops.filter: "PartyType eq 'Organization'" -> "PartyType eq 'Organization' and CustomerGroupId ne '99'"`,
        '    + column description: NameAlias -> description',
        '    - column websiteurl: PrimaryContactURL <-> websiteurl, toDataverse truncate(PrimaryContactURL, 200)',
        '    ~ column telephone1: toDataverse "truncate(PrimaryContactPhone, 50)" -> "truncate(PrimaryContactPhone, 20)"',
      ].join('\n'),
    );
    assert.equal(renderDiff(diffCatalogs(maps, maps)), `no differences (${maps.length} map(s) identical)`);
  });
});

describe('semantic versions', () => {
  const cases: [string, string, number][] = [
    ['1.0.0', '1.0.0', 0],
    ['1.0.0', '1.0.1', -1],
    ['1.10.0', '1.9.0', 1],
    ['2.0.0', '10.0.0', -1],
    ['1.0.0-beta', '1.0.0', -1],
    ['1.0.0-alpha.2', '1.0.0-alpha.10', -1],
    ['1.0.0-rc.1', '1.0.0-beta.9', 1],
  ];
  for (const [a, b, expected] of cases) it(`${a} vs ${b}`, () => assert.equal(Math.sign(compareVersions(a, b)), expected));
});
