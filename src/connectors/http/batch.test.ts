import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { boundaryOf, buildBatch, parseBatchResponse } from './batch';

describe('multipart $batch', () => {
  it('builds one change set per operation with Content-IDs, CRLF line endings and JSON bodies', () => {
    const { contentType, body } = buildBatch(
      [
        { method: 'PATCH', url: '/api/data/v9.2/accounts(accountnumber=\'A1\')', headers: { 'If-Match': '*' }, body: { name: 'Contoso' } },
        { method: 'DELETE', url: '/api/data/v9.2/accounts(accountnumber=\'A2\')' },
      ],
      { wrapInChangeSets: true, boundary: 'batch_test' },
    );
    assert.equal(contentType, 'multipart/mixed; boundary=batch_test');
    assert.ok(body.startsWith('--batch_test\r\nContent-Type: multipart/mixed; boundary=changeset_'));
    assert.match(body, /Content-ID: 1\r\n\r\nPATCH \/api\/data\/v9\.2\/accounts\(accountnumber='A1'\) HTTP\/1\.1\r\nIf-Match: \*\r\nContent-Type: application\/json; type=entry\r\n\r\n\{"name":"Contoso"\}/);
    assert.match(body, /Content-ID: 2\r\n\r\nDELETE /);
    assert.ok(body.endsWith('--batch_test--\r\n'));
    assert.equal((body.match(/--changeset_[0-9a-f-]+--/g) ?? []).length, 2);
  });

  it('parses a continue-on-error response in the documented shape (LF endings, nested change sets, Content-ID echoed)', () => {
    const response = [
      '--batchresponse_c1bd45c1-dd81-470d-b897-e965846aad2f',
      'Content-Type: multipart/mixed; boundary=changesetresponse_ff83b4f1-ab48-430c-b81c-926a2c596abc',
      '',
      '--changesetresponse_ff83b4f1-ab48-430c-b81c-926a2c596abc',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      'Content-ID: 1',
      '',
      'HTTP/1.1 204 No Content',
      'OData-Version: 4.0',
      'Location: [Organization URI]/api/data/v9.2/tasks(a59c24e4-4d47-ef11-bfe2-000d3a3f8a2a)',
      'OData-EntityId: [Organization URI]/api/data/v9.2/tasks(a59c24e4-4d47-ef11-bfe2-000d3a3f8a2a)',
      '',
      '',
      '--changesetresponse_ff83b4f1-ab48-430c-b81c-926a2c596abc--',
      '--batchresponse_c1bd45c1-dd81-470d-b897-e965846aad2f',
      'Content-Type: multipart/mixed; boundary=changesetresponse_2',
      '',
      '--changesetresponse_2',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      'Content-ID: 2',
      '',
      'HTTP/1.1 400 Bad Request',
      'Content-Type: application/json; odata.metadata=minimal',
      'OData-Version: 4.0',
      '',
      '{"error":{"code":"0x80044331","message":"A validation error occurred."}}',
      '--changesetresponse_2--',
      '--batchresponse_c1bd45c1-dd81-470d-b897-e965846aad2f',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      '',
      'HTTP/1.1 200 OK',
      'Content-Type: application/json; odata.metadata=minimal; odata.streaming=true',
      'OData-Version: 4.0',
      '',
      '{"value":[{"name":"x"}]}',
      '--batchresponse_c1bd45c1-dd81-470d-b897-e965846aad2f--',
      '',
    ].join('\n');
    const parts = parseBatchResponse('multipart/mixed; boundary=batchresponse_c1bd45c1-dd81-470d-b897-e965846aad2f', response);
    assert.equal(parts.length, 3);
    assert.deepEqual([parts[0]?.status, parts[0]?.contentId], [204, '1']);
    assert.match(parts[0]?.headers['odata-entityid'] ?? '', /tasks\(a59c24e4/);
    assert.deepEqual(parts[1]?.body, { error: { code: '0x80044331', message: 'A validation error occurred.' } });
    assert.equal(parts[1]?.contentId, '2');
    assert.deepEqual(parts[2]?.body, { value: [{ name: 'x' }] });
    assert.equal(parts[2]?.contentId, undefined);
  });

  it('round-trips its own CRLF output through the parser when the parts are responses', () => {
    const text = ['--b', 'Content-Type: application/http', '', 'HTTP/1.1 201 Created', 'Content-Type: application/json', '', '{"a":1}', '--b--', ''].join('\r\n');
    assert.deepEqual(parseBatchResponse('multipart/mixed; boundary="b"', text), [{ status: 201, headers: { 'content-type': 'application/json' }, body: { a: 1 } }]);
  });

  it('rejects a response without a boundary or status line with a clear message', () => {
    assert.throws(() => parseBatchResponse('application/json', '{}'), /not multipart/);
    assert.throws(() => parseBatchResponse('multipart/mixed; boundary=b', '--b\r\nContent-Type: application/http\r\n\r\nnonsense\r\n--b--'), /HTTP status line/);
    assert.equal(boundaryOf('multipart/mixed; boundary="batch_1"; charset=utf-8'), 'batch_1');
  });
});
