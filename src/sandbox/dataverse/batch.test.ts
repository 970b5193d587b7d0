import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formatMultipartBatch, parseMultipartBatchResponse } from '../shared/multipart-batch';
import type { BatchRequestItem, BatchResponsePart } from '../shared/multipart-batch';
import { startTestSandbox } from './test-support';
import type { TestSandbox } from './test-support';

const jsonHeaders = { 'content-type': 'application/json; type=entry' };

describe('Dataverse sandbox: $batch', () => {
  let t: TestSandbox;
  let usmf: string;
  before(async () => {
    t = await startTestSandbox();
    usmf = await t.companyId('USMF');
  });
  after(() => t.sb.stop());

  async function batch(items: BatchRequestItem[], prefer?: string) {
    const { body, contentType } = formatMultipartBatch(items);
    const res = await t.dv('$batch', { method: 'POST', body, headers: { 'content-type': contentType, ...(prefer ? { prefer } : {}) } });
    const parts = parseMultipartBatchResponse(await res.text(), res.headers.get('content-type'));
    const flat: BatchResponsePart[] = parts.flatMap((p) => (p.kind === 'response' ? [p.response] : p.responses));
    return { status: res.status, parts, flat };
  }

  it('runs a change set atomically with Content-ID references and a GET outside it', async () => {
    const { status, parts, flat } = await batch([
      {
        kind: 'changeset',
        requests: [
          { method: 'POST', url: '/api/data/v9.2/accounts', headers: jsonHeaders, body: JSON.stringify({ name: 'Batch parent', accountnumber: 'B-1', 'msdyn_company@odata.bind': `/cdm_companies(${usmf})` }), contentId: '1' },
          { method: 'POST', url: '/api/data/v9.2/contacts', headers: jsonHeaders, body: JSON.stringify({ lastname: 'Batch child', 'parentcustomerid_account@odata.bind': '$1' }), contentId: '2' },
          { method: 'PATCH', url: '$1', headers: jsonHeaders, body: JSON.stringify({ telephone1: '555' }), contentId: '3' },
        ],
      },
      { kind: 'request', request: { method: 'GET', url: `accounts(accountnumber='B-1',_msdyn_company_value=${usmf})?$select=name,telephone1`, headers: {}, body: '' } },
    ]);
    assert.equal(status, 200);
    assert.equal(parts[0]?.kind, 'changeset');
    assert.deepEqual(flat.map((p) => p.status), [204, 204, 204, 200]);
    const got = JSON.parse(flat[3]?.body ?? '{}') as Record<string, unknown>;
    assert.equal(got.telephone1, '555');
    const child = await t.json<{ value: Record<string, unknown>[] }>(await t.dv("contacts?$filter=lastname eq 'Batch child'&$select=_parentcustomerid_value"));
    assert.equal(child.value[0]?._parentcustomerid_value, got.accountid);
  });

  it('rolls back the whole change set when one request fails and stops with 400', async () => {
    const before = (await (await t.dv('accounts/$count')).text());
    const { status, flat } = await batch([
      {
        kind: 'changeset',
        requests: [
          { method: 'POST', url: 'accounts', headers: jsonHeaders, body: JSON.stringify({ name: 'Will vanish' }), contentId: '1' },
          { method: 'POST', url: 'accounts', headers: jsonHeaders, body: JSON.stringify({ name: 'Bad', 'msdyn_company@odata.bind': '/cdm_companies(00000000-0000-0000-0000-00000000abcd)' }), contentId: '2' },
        ],
      },
      { kind: 'request', request: { method: 'POST', url: 'accounts', headers: jsonHeaders, body: JSON.stringify({ name: 'Never runs' }) } },
    ]);
    assert.equal(status, 400);
    assert.equal(flat.length, 1);
    assert.equal(flat[0]?.status, 400);
    assert.match(flat[0]?.body ?? '', /Does Not Exist/);
    assert.equal(await (await t.dv('accounts/$count')).text(), before);
  });

  it('continues on error when asked, with a status per part', async () => {
    const { status, flat } = await batch(
      [
        { kind: 'request', request: { method: 'POST', url: 'accounts', headers: jsonHeaders, body: JSON.stringify({ name: 'x'.repeat(200) }) } },
        { kind: 'request', request: { method: 'PATCH', url: `accounts(accountnumber='COE-1',_msdyn_company_value=${usmf})`, headers: jsonHeaders, body: JSON.stringify({ name: 'ok' }) } },
      ],
      'odata.continue-on-error',
    );
    assert.equal(status, 200);
    assert.deepEqual(flat.map((p) => p.status), [400, 204]);
  });

  it('rejects an undeclared Content-ID reference and more than 1000 operations', async () => {
    const { flat } = await batch([{ kind: 'changeset', requests: [{ method: 'PATCH', url: '$9', headers: jsonHeaders, body: '{}', contentId: '1' }] }]);
    assert.match(flat[0]?.body ?? '', /Content-ID Reference: '\$9' does not exist in the batch context/);
    const many: BatchRequestItem[] = Array.from({ length: 1001 }, () => ({ kind: 'request', request: { method: 'GET', url: 'uoms?$top=1', headers: {}, body: '' } }));
    const { body, contentType } = formatMultipartBatch(many);
    const res = await t.dv('$batch', { method: 'POST', body, headers: { 'content-type': contentType } });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /maximum is 1000/);
  });
});
