import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseDataContractDate, parseRemoteExecutionContexts, pluralise } from './remote-execution-context';
import { DataverseConnector } from '../dataverse/dataverse-connector';
import { FinopsConnector } from '../finops/finops-connector';
import { ConnectorError } from '../errors';
import { fixtureJson, fixtureText } from '../test-support/fixtures';

const base = { url: 'https://contoso.crm.dynamics.com', tenantId: 't', clientId: 'c', clientSecret: 'secret', companies: ['usmf'] };

describe('RemoteExecutionContext parsing of the published webhook body', () => {
  it('Dataverse: an async Update of a contact becomes one upsert with Web API shaped values', async () => {
    const dv = new DataverseConnector({ ...base });
    const [change, ...rest] = dv.parseEvent(fixtureJson('dataverse-webhook-remoteexecutioncontext.json'));
    assert.equal(rest.length, 0);
    assert.ok(change);
    assert.equal(change.system, 'dataverse');
    assert.equal(change.entitySet, 'contacts');
    assert.equal(change.op, 'upsert');
    assert.equal(change.recordId, '6d81597f-0f9f-e711-8122-000d3aa2331c');
    assert.equal(change.changedBy, '75c2dd85-e89e-e711-8122-000d3aa2331c');
    assert.equal(change.changedAt, '2017-09-26T00:04:07.000Z'); // modifiedon /Date(1506384247000)/
    assert.equal(change.eventId, '4af10637-4ea2-e711-8122-000d3aa2331c:6d81597f-0f9f-e711-8122-000d3aa2331c:update');
    assert.deepEqual(change.values, {
      fullname: 'James Glynn (sample)',
      contactid: '6d81597f-0f9f-e711-8122-000d3aa2331c',
      firstname: 'James',
      yomifullname: 'James Glynn (sample)',
      modifiedon: '2017-09-26T00:04:07.000Z',
      _modifiedby_value: '75c2dd85-e89e-e711-8122-000d3aa2331c',
      modifiedonbehalfby: null,
    });
    await dv.close();
  });

  it('accepts the raw text with a BOM and an array of contexts', () => {
    const dv = new DataverseConnector({ ...base });
    const text = `\ufeff${fixtureText('dataverse-webhook-remoteexecutioncontext.json')}`;
    assert.equal(dv.parseEvent(text).length, 1);
    const one = fixtureJson('dataverse-webhook-remoteexecutioncontext.json');
    assert.equal(dv.parseEvent([one, one]).length, 2);
  });

  it('F&O data event: entity name mapped to the entity set, key columns matched case-insensitively', async () => {
    const fno = new FinopsConnector({ ...base, url: 'https://contoso.operations.dynamics.com' });
    const body = {
      ...(fixtureJson('dataverse-webhook-remoteexecutioncontext.json') as Record<string, unknown>),
      MessageName: 'Create',
      PrimaryEntityName: 'CustCustomerV3Entity',
      PrimaryEntityId: '00000000-0000-0000-0000-000000000000',
      InputParameters: [
        {
          key: 'Target',
          value: {
            __type: 'Entity:http://schemas.microsoft.com/xrm/2011/Contracts',
            Attributes: [
              { key: 'dataareaid', value: 'usmf' },
              { key: 'CustomerAccount', value: 'US-042' },
              { key: 'OrganizationName', value: 'Contoso Retail' },
              { key: 'CreditLimit', value: { __type: 'Money:http://schemas.microsoft.com/xrm/2011/Contracts', Value: 5000 } },
            ],
            Id: '00000000-0000-0000-0000-000000000000',
            KeyAttributes: [],
            LogicalName: 'CustCustomerV3Entity',
          },
        },
      ],
      PostEntityImages: [],
    };
    const [change] = fno.parseEvent(body);
    assert.equal(change?.entitySet, 'CustomersV3');
    assert.deepEqual(change?.key, { dataAreaId: 'usmf', CustomerAccount: 'US-042' });
    assert.equal(change?.values?.CreditLimit, 5000);
    assert.equal(change?.recordId, undefined, 'an all-zero id is no id');
    await fno.close();
  });
});

describe('RemoteExecutionContext input checking', () => {
  const options = { system: 'dataverse' as const, entitySetFor: pluralise, lookupsAsValueColumns: true };

  it('a Delete carries the id and no values', () => {
    const [change] = parseRemoteExecutionContexts(
      { MessageName: 'Delete', PrimaryEntityName: 'account', PrimaryEntityId: '2e451703-c686-e711-80e5-00155db19e6d', OperationId: 'op-1', InputParameters: [{ key: 'Target', value: { __type: 'EntityReference:http://schemas.microsoft.com/xrm/2011/Contracts', Id: '2e451703-c686-e711-80e5-00155db19e6d', LogicalName: 'account' } }] },
      options,
    );
    assert.deepEqual(change, { system: 'dataverse', entitySet: 'accounts', op: 'delete', eventId: 'op-1:2e451703-c686-e711-80e5-00155db19e6d:delete', recordId: '2e451703-c686-e711-80e5-00155db19e6d' });
  });

  it('rejects bodies that are not change contexts with a message naming the field', () => {
    const invalid = (body: unknown, pattern: RegExp) =>
      assert.throws(() => parseRemoteExecutionContexts(body, options), (err: unknown) => err instanceof ConnectorError && err.info.class === 'validation' && pattern.test(err.message));
    invalid('not json', /not JSON/);
    invalid(42, /must be a JSON object/);
    invalid({ PrimaryEntityName: 'account' }, /MessageName is missing/);
    invalid({ MessageName: 'Update' }, /PrimaryEntityName is missing/);
    invalid({ MessageName: 'Retrieve', PrimaryEntityName: 'account' }, /not a data change/);
    invalid({ MessageName: 'Update', PrimaryEntityName: 'account', InputParameters: 'x' }, /InputParameters must be an array/);
  });

  it('dates and plurals', () => {
    assert.equal(parseDataContractDate('/Date(1506409448000-0700)/'), '2017-09-26T07:04:08.000Z');
    assert.equal(parseDataContractDate('2017-01-01'), undefined);
    assert.deepEqual(['account', 'cdm_company', 'msdyn_address', 'contact'].map(pluralise), ['accounts', 'cdm_companies', 'msdyn_addresses', 'contacts']);
  });
});
