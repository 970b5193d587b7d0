import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventually, startSyncWorld, WEBHOOK_SECRET } from '../harness/sync-world';
import { enable, settled } from '../sync/helpers';
import { catalogOf, describeDifferences, differences } from './support';

/**
 * Bad input from the outside: malformed and oversize webhook / data-event bodies are refused
 * with 400 / 413 and queue nothing; records with awkward text (unicode, emoji, quotes, control
 * characters) sync intact, and over-long ones fail one by one into the error queue while the
 * healthy ones keep flowing.
 */
test('bad webhook and data-event bodies are refused: 400/413, nothing enqueued, the API stays up', async (t) => {
  const world = await startSyncWorld({ companies: ['usmf'], seed: false, mapsDir: catalogOf(['customer-groups']) });
  const post = (system: 'finops' | 'dataverse', body: string | Buffer, contentType = 'application/json') =>
    fetch(`${world.api.url}/webhooks/${system}`, { method: 'POST', headers: { 'content-type': contentType, [WEBHOOK_SECRET.header]: WEBHOOK_SECRET.value }, body });
  const nested = '['.repeat(50_000) + ']'.repeat(50_000);
  const malformed: [string, string][] = [
    ['empty body', ''],
    ['truncated JSON', '{"MessageName":"Create",'],
    ['not JSON at all', 'MessageName=Create&PrimaryEntityName=account'],
    ['JSON null', 'null'],
    ['a number', '42'],
    ['a string', '"Create"'],
    ['an array of numbers', '[1,2,3]'],
    ['an empty object', '{}'],
    ['deeply nested arrays', nested],
    ['wrong field types', JSON.stringify({ MessageName: 7, PrimaryEntityName: ['account'], PrimaryEntityId: {}, InputParameters: 'x' })],
    ['invalid UTF-8 bytes', '\u00ff\u00fe{"a":1}'],
    ['NUL characters', '{"MessageName":"Create\u0000","PrimaryEntityName":"\u0000"}'],
  ];
  const before = await world.store.inbox.count();

  for (const system of ['dataverse', 'finops'] as const) {
    await t.test(`${system}: malformed bodies get 400 with a reason`, async () => {
      for (const [what, body] of malformed) {
        const res = await post(system, body);
        const text = await res.text();
        assert.equal(res.status, 400, `${what}: ${res.status} ${text.slice(0, 200)}`);
        assert.match(text, /json|event|context|expected|invalid|not a/i, `${what}: the answer says what is wrong: ${text.slice(0, 200)}`);
      }
    });

    await t.test(`${system}: an oversize body gets 413`, async () => {
      const huge = JSON.stringify({ MessageName: 'Create', padding: 'x'.repeat(2 * 1024 * 1024) });
      const res = await post(system, huge);
      assert.equal(res.status, 413, await res.text());
    });
  }

  await t.test('nothing was enqueued and the API still answers', async () => {
    assert.equal(await world.store.inbox.count(), before);
    const health = await fetch(`${world.api.url}/health`);
    assert.equal(health.status, 200);
  });
});

/** Names that stress quoting and encoding on both protocols; all fit F&O's 60 characters. */
const AWKWARD = [
  'Ünïcödé Çurrency ÅØÆ',
  '日本円 テスト',
  'Emoji 💶💷💴 money 🚀',
  `Quotes ' " \` and O'Brien's "best"`,
  'Control \t tab \n newline \r return \u0007 bell',
  'Back\\slash /slash ?query=1&x=%20 #hash',
  'RTL שלום مرحبا',
  '<script>alert(1)</script>',
];

test('awkward text syncs intact; over-long values fail per record while the rest flows', async (t) => {
  // The standard map truncates names to F&O's 60 characters on purpose; without that the over-long
  // ones must fail, record by record.
  const mapsDir = catalogOf(['currencies'], {
    currencies: (m) => {
      for (const c of m.columns as Record<string, unknown>[]) if (c.finops === 'Name') delete c.toFinops;
    },
  });
  const world = await startSyncWorld({ companies: ['usmf'], mapsDir });
  const dv = world.users.dataverse;
  const fo = world.users.finops;
  await world.withWorker(async () => {
    await enable(world, { maps: ['currencies'], initialSync: { master: 'finops' } });
    await settled(world, 'currencies');

    // Codes made of letters the seed does not use, three characters as F&O requires.
    const code = (i: number, prefix: string) => `${prefix}${String.fromCharCode(65 + Math.floor(i / 26))}${String.fromCharCode(65 + (i % 26))}`;
    const fromFinops = AWKWARD.map((name, i) => ({ code: code(i, 'Q'), name }));
    const fromDataverse = AWKWARD.map((name, i) => ({ code: code(i, 'Z'), name: `${name} (DV)` }));
    // Dataverse allows 100 characters, F&O 60: these cannot be written to F&O.
    const overLong = [0, 1].map((i) => ({ code: code(i, 'X'), name: `Too long for F&O ${i} `.padEnd(90, 'é') }));

    await t.test('records created on both sides, healthy and over-long mixed', async () => {
      const foResults = await fo.writeBatch('Currencies', fromFinops.map((c) => ({ id: c.code, kind: 'upsert' as const, mode: 'create' as const, key: { CurrencyCode: c.code }, values: { Name: c.name, Symbol: '¤' } })));
      for (const r of foResults) assert.ok(r.ok, JSON.stringify(r));
      const mixed = [...fromDataverse.slice(0, 4), ...overLong, ...fromDataverse.slice(4)];
      const dvResults = await dv.writeBatch('transactioncurrencies', mixed.map((c) => ({ id: c.code, kind: 'upsert' as const, mode: 'create' as const, key: { isocurrencycode: c.code }, values: { isocurrencycode: c.code, currencyname: c.name, currencysymbol: '¤', exchangerate: 1 } })));
      for (const r of dvResults) assert.ok(r.ok, JSON.stringify(r));
    });

    await t.test('the over-long records land in the error queue with a clear reason', async () => {
      const errors = await eventually('two error queue records', async () => {
        const page = await world.store.errors.list({ map: 'currencies' });
        return page.items.length >= overLong.length ? page.items : undefined;
      }, 60_000);
      const keys = errors.map((e) => e.recordKey).join(' ');
      for (const c of overLong) assert.ok(keys.includes(c.code), `${c.code} has an error record: ${keys}`);
      for (const e of errors) assert.match(`${e.message}`, /Name|length|long|60/i, `the reason names the problem: ${e.message}`);
    });

    await t.test('every healthy record is on both sides, character for character', async () => {
      await settled(world, 'currencies');
      const d = await eventually('only the over-long records differ', async () => {
        const diff = await differences(world, 'currencies');
        return diff.onlyInFinops.length === 0 && diff.different.length === 0 && diff.onlyInDataverse.length === overLong.length ? diff : undefined;
      }, 60_000).catch(async (err: Error) => {
        throw new Error(`${err.message}: ${describeDifferences(await differences(world, 'currencies'))}`);
      });
      assert.deepEqual(d.duplicates, []);
      assert.deepEqual(d.onlyInDataverse.sort(), overLong.map((c) => JSON.stringify([c.code])).sort(), describeDifferences(d));
      for (const c of [...fromFinops, ...fromDataverse]) {
        const row = (await fo.readPage({ entitySet: 'Currencies', filter: `CurrencyCode eq '${c.code}'` })).rows[0];
        assert.equal(row?.Name, c.name, `${c.code} in F&O`);
      }
    });
  });
});
