import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { classifyHttp, classifyTransportError, parseErrorBody, parseRetryAfter } from './classify';
import { fixtureJson } from '../test-support/fixtures';

describe('error classification against published error bodies', () => {
  it('keeps the Dataverse code and message of a 400 with CDS annotations', () => {
    const info = classifyHttp({ status: 400, body: fixtureJson('dataverse-error-response.json'), operation: 'upsert' });
    assert.equal(info.class, 'validation');
    assert.equal(info.code, '0x80040265');
    assert.equal(info.message, 'Example Error Message.');
    assert.equal(info.status, 400);
  });

  it('reads the Entra token error and treats it as configuration (auth)', () => {
    const body = fixtureJson('entra-client-credentials-token-error.json');
    const parsed = parseErrorBody(body);
    assert.equal(parsed.code, 'invalid_scope');
    assert.match(parsed.message ?? '', /^AADSTS70011: The provided value for the input parameter 'scope' is not valid/);
    assert.doesNotMatch(parsed.message ?? '', /Trace ID/, 'only the first line of error_description is kept');
    assert.equal(classifyHttp({ status: 400, body, operation: 'token' }).class, 'auth');
  });

  it('handles the generic shape with an empty code', () => {
    const parsed = parseErrorBody(JSON.stringify(fixtureJson('dataverse-error-format-generic.json')));
    assert.equal(parsed.message, '<A message describing the error>');
  });
});

describe('error classification by status and operation', () => {
  const dv = (code: string, message: string) => ({ error: { code, message } });

  it('429 and throttling codes are throttled with Retry-After kept', () => {
    const info = classifyHttp({ status: 429, body: dv('0x80072322', 'Number of requests exceeded the limit of 6000 over time window of 300 seconds.'), retryAfterMs: 5000 });
    assert.deepEqual([info.class, info.code, info.retryAfterMs], ['throttled', '0x80072322', 5000]);
  });

  it('5xx is unavailable, but an F&O write exception inside a 500 is permanent', () => {
    assert.equal(classifyHttp({ status: 503, body: 'Service Unavailable' }).class, 'unavailable');
    assert.equal(classifyHttp({ status: 502 }).class, 'unavailable');
    const fno = {
      error: {
        code: '',
        message: 'An error has occurred.',
        innererror: { message: "Write failed for table row of type 'CustCustomerGroupEntity'. Infolog: Error: Field 'Terms of payment' must be filled in.", type: 'Microsoft.Dynamics.Platform.Integration.Services.OData.AxODataWriteException', stacktrace: '…' },
      },
    };
    const info = classifyHttp({ status: 500, body: fno, operation: 'create' });
    assert.equal(info.class, 'validation');
    assert.match(info.message, /Write failed for table row/);
    const missingGroup = { error: { code: '', message: 'An error has occurred.', innererror: { message: "The value 'NOPE' in field 'CustomerGroupId' is not found in the relating table 'CustomerGroups'.", type: fno.error.innererror.type } } };
    assert.equal(classifyHttp({ status: 500, body: missingGroup, operation: 'create' }).class, 'missing-lookup');
  });

  it('401/403 are auth, 412 is conflict, 404 depends on the operation', () => {
    assert.equal(classifyHttp({ status: 401 }).class, 'auth');
    assert.equal(classifyHttp({ status: 403, body: dv('0x80040220', 'Principal user is missing prvCreateAccount privilege') }).class, 'auth');
    assert.equal(classifyHttp({ status: 412, body: dv('', 'A record with matching key values already exists.') }).class, 'conflict');
    assert.equal(classifyHttp({ status: 404, body: dv('', 'account With Id = 00000000-0000-0000-0000-000000000001 Does Not Exist'), operation: 'update' }).class, 'not-found');
    assert.equal(classifyHttp({ status: 404, body: dv('0x80040217', 'contact With Id = 00000000-0000-0000-0000-000000000002 Does Not Exist'), operation: 'upsert' }).class, 'missing-lookup');
    assert.equal(classifyHttp({ status: 404, operation: 'delete' }).class, 'not-found');
  });

  it('a missing referenced row in a 400 is missing-lookup; other 400s are validation', () => {
    assert.equal(classifyHttp({ status: 400, body: dv('0x80060891', 'A record with the specified key values does not exist in msdyn_customergroup entity'), operation: 'upsert' }).class, 'missing-lookup');
    assert.equal(classifyHttp({ status: 400, body: dv('0x80044331', "A validation error occurred.  The length of the 'subject' attribute of the 'task' entity exceeded the maximum allowed length of '200'."), operation: 'upsert' }).class, 'validation');
    assert.equal(
      classifyHttp({ status: 400, body: dv('', "The key in the request URI is not valid for resource 'Microsoft.Dynamics.CRM.account'."), operation: 'upsert' }).class,
      'validation',
    );
  });

  it('transport errors: refused/reset are network, aborts are timeout', () => {
    assert.equal(classifyTransportError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' }).class, 'network');
    assert.equal(classifyTransportError({ code: 'ECONNRESET', message: 'socket hang up' }).class, 'network');
    assert.equal(classifyTransportError({ code: 'ECONNABORTED', message: 'timeout of 100ms exceeded' }).class, 'timeout');
  });

  it('parses Retry-After seconds and HTTP dates', () => {
    assert.equal(parseRetryAfter('60'), 60_000);
    assert.equal(parseRetryAfter('0'), 0);
    assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')), 10_000);
    assert.equal(parseRetryAfter('soon'), undefined);
    assert.equal(parseRetryAfter(undefined), undefined);
  });
});
