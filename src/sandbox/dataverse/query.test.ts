import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestSandbox } from './test-support';
import type { TestSandbox } from './test-support';

type Page = { value: Record<string, unknown>[]; '@odata.nextLink'?: string; '@odata.deltaLink'?: string; '@odata.count'?: number; '@odata.context': string };
type Err = { error: { code: string; message: string } };

describe('Dataverse sandbox: queries, paging, change tracking', () => {
  let t: TestSandbox;
  before(async () => {
    t = await startTestSandbox();
  });
  after(() => t.sb.stop());

  it('applies $select, $filter, $orderby, $top and $count', async () => {
    const res = await t.dv("accounts?$select=accountnumber,name&$filter=startswith(accountnumber,'DV-00001') and statecode eq 0&$orderby=accountnumber desc&$top=3&$count=true");
    assert.equal(res.status, 200);
    const page = await t.json<Page>(res);
    assert.deepEqual(page.value.map((r) => r.accountnumber), ['DV-000019', 'DV-000018', 'DV-000017']);
    assert.equal(page['@odata.count'], 10);
    assert.deepEqual(Object.keys(page.value[0] ?? {}).sort(), ['@odata.etag', 'accountid', 'accountnumber', 'name']);
    assert.match(page['@odata.context'], /\$metadata#accounts\(accountnumber,name\)$/);
    const ci = await t.json<Page>(await t.dv("accounts?$filter=accountnumber eq 'dv-000001'&$select=accountnumber"));
    assert.equal(ci.value.length, 1, 'string filters are case-insensitive');
    assert.equal((await (await t.dv('accounts/$count')).text()), '30');
  });

  it('adds formatted values and lookup logical names when asked', async () => {
    const res = await t.dv('accounts?$select=accountcategorycode,creditonhold,_msdyn_company_value&$top=1', {
      headers: { prefer: 'odata.include-annotations="OData.Community.Display.V1.FormattedValue,Microsoft.Dynamics.CRM.lookuplogicalname"' },
    });
    const row = (await t.json<Page>(res)).value[0] ?? {};
    assert.match(String(row['accountcategorycode@OData.Community.Display.V1.FormattedValue']), /^(Preferred Customer|Standard)$/);
    assert.match(String(row['creditonhold@OData.Community.Display.V1.FormattedValue']), /^(Yes|No)$/);
    assert.equal(row['_msdyn_company_value@Microsoft.Dynamics.CRM.lookuplogicalname'], 'cdm_company');
    assert.match(res.headers.get('preference-applied') ?? '', /odata\.include-annotations=/);
    const plain = (await t.json<Page>(await t.dv('accounts?$select=accountcategorycode&$top=1'))).value[0] ?? {};
    assert.equal(Object.keys(plain).some((k) => k.includes('@OData.Community')), false);
  });

  it('rejects $skip and bad options with 400', async () => {
    const skip = await t.dv('accounts?$skip=10');
    assert.equal(skip.status, 400);
    assert.match((await t.json<Err>(skip)).error.message, /\$skip is not supported/);
    const badFilter = await t.dv('accounts?$filter=nosuch eq 1');
    assert.equal(badFilter.status, 400);
    assert.match((await t.json<Err>(badFilter)).error.message, /nosuch/);
    assert.equal((await t.dv('accounts?$select=nosuch')).status, 400);
  });

  it('pages with odata.maxpagesize and an opaque nextLink until the last page', async () => {
    const seen = new Set<string>();
    let url: string | undefined = 'accounts?$select=accountnumber';
    let pages = 0;
    while (url) {
      const res: Response = await t.dv(url, { headers: { prefer: 'odata.maxpagesize=7' } });
      assert.equal(res.status, 200);
      if (pages === 0) assert.equal(res.headers.get('preference-applied'), 'odata.maxpagesize=7');
      const page: Page = await t.json<Page>(res);
      assert.ok(page.value.length <= 7);
      for (const r of page.value) seen.add(String(r.accountid));
      url = page['@odata.nextLink'];
      if (url) assert.match(url, /\$skiptoken=%3Ccookie/);
      pages++;
    }
    assert.equal(pages, 5);
    assert.equal(seen.size, 30);
    const big = await t.dv('accounts?$select=name', { headers: { prefer: 'odata.maxpagesize=9000' } });
    assert.equal(big.headers.get('preference-applied'), 'odata.maxpagesize=5000');
    const tampered = await t.dv('accounts?$skiptoken=%3Ccookie%20pagenumber=%222%22%20pagingcookie=%22abc.def%22%20istracking=%22False%22%20/%3E');
    assert.equal(tampered.status, 400);
  });

  it('pages with $orderby and keeps a $top across pages', async () => {
    const names: string[] = [];
    let url: string | undefined = 'accounts?$select=accountnumber&$orderby=accountnumber&$top=12';
    while (url) {
      const page: Page = await t.json<Page>(await t.dv(url, { headers: { prefer: 'odata.maxpagesize=5' } }));
      names.push(...page.value.map((r) => String(r.accountnumber)));
      url = page['@odata.nextLink'];
    }
    // $top is ignored together with maxpagesize, as the service documents.
    assert.equal(names.length, 30);
    assert.deepEqual(names, [...names].sort());
    const topped = await t.json<Page>(await t.dv('accounts?$select=accountnumber&$orderby=accountnumber&$top=12'));
    assert.equal(topped.value.length, 12);
    assert.equal(topped['@odata.nextLink'], undefined);
  });

  it('tracks changes: initial load with deltaLink, then changed rows and deletes, paged', async () => {
    const initial: Record<string, unknown>[] = [];
    const res = await t.dv('contacts?$select=fullname,emailaddress1', { headers: { prefer: 'odata.track-changes,odata.maxpagesize=8' } });
    assert.equal(res.headers.get('preference-applied'), 'odata.track-changes,odata.maxpagesize=8');
    let page = await t.json<Page>(res);
    while (page['@odata.nextLink']) {
      assert.equal(page['@odata.deltaLink'], undefined);
      initial.push(...page.value);
      page = await t.json<Page>(await t.dv(page['@odata.nextLink'], { headers: { prefer: 'odata.track-changes,odata.maxpagesize=8' } }));
    }
    initial.push(...page.value);
    assert.equal(initial.length, 20);
    const deltaLink = page['@odata.deltaLink'] ?? '';
    assert.match(deltaLink, /\$select=fullname,emailaddress1&\$deltatoken=\d+%21/);

    const nothing = await t.json<Page>(await t.dv(deltaLink));
    assert.deepEqual(nothing.value, []);

    const ids = initial.map((r) => String(r.contactid));
    for (const id of ids.slice(0, 5)) await t.dv(`contacts(${id})`, { method: 'PATCH', body: JSON.stringify({ emailaddress1: `changed-${id.slice(0, 4)}@example.com` }) });
    for (const id of ids.slice(5, 8)) assert.equal((await t.dv(`contacts(${id})`, { method: 'DELETE' })).status, 204);
    await t.dv('contacts', { method: 'POST', body: JSON.stringify({ lastname: 'Newcomer' }) });

    const changes: Record<string, unknown>[] = [];
    let next: string | undefined = deltaLink;
    let nextDelta = '';
    let pages = 0;
    while (next) {
      const p: Page = await t.json<Page>(await t.dv(next, { headers: { prefer: 'odata.maxpagesize=4' } }));
      assert.match(p['@odata.context'], /\/\$delta$/);
      changes.push(...p.value);
      next = p['@odata.nextLink'];
      nextDelta = p['@odata.deltaLink'] ?? nextDelta;
      pages++;
    }
    assert.equal(pages, 3);
    const upserts = changes.filter((c) => !('reason' in c));
    const deletes = changes.filter((c) => c.reason === 'deleted');
    assert.equal(upserts.length, 6);
    assert.deepEqual(deletes.map((d) => d.id).sort(), ids.slice(5, 8).sort());
    assert.match(String(deletes[0]?.['@odata.context']), /\$metadata#contacts\/\$deletedEntity$/);
    assert.ok(changes.indexOf(deletes[0] as Record<string, unknown>) > changes.indexOf(upserts[upserts.length - 1] as Record<string, unknown>), 'deletes come after changed rows');
    assert.deepEqual((await t.json<Page>(await t.dv(nextDelta))).value, []);
  });

  it('refuses $filter with change tracking and bad delta tokens', async () => {
    const res = await t.dv("accounts?$filter=name eq 'x'", { headers: { prefer: 'odata.track-changes' } });
    assert.equal(res.status, 400);
    assert.equal((await t.json<Err>(res)).error.message, 'The "$filter" query parameter isn\'t supported when Change Tracking is enabled.');
    assert.equal((await t.dv('accounts?$deltatoken=99999999!01/01/2026')).status, 400);
  });
});
