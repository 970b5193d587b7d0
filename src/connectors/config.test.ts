import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectorConfigError, defaultScope, defaultTokenUrl, parseConnectorConfig, redactConfig, redactSecrets, serviceRoot } from './config';
import { createConnector } from './factory';
import { DataverseConnector } from './dataverse/dataverse-connector';
import { FinopsConnector } from './finops/finops-connector';

const valid = { system: 'dataverse' as const, url: 'https://contoso.crm.dynamics.com/', tenantId: 'contoso.onmicrosoft.com', clientId: 'app', clientSecret: 'Sup3r-S3cret!', companies: ['usmf'] };

describe('connector configuration', () => {
  it('fills defaults and derives token URL, scope and service root', () => {
    const config = parseConnectorConfig(valid);
    assert.equal(config.pageSize, 1000);
    assert.equal(config.concurrency, 4);
    assert.equal(defaultTokenUrl(config), 'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token');
    assert.equal(defaultScope(config), 'https://contoso.crm.dynamics.com/.default');
    assert.equal(serviceRoot(config), 'https://contoso.crm.dynamics.com/api/data/v9.2/');
    assert.equal(serviceRoot(parseConnectorConfig({ ...valid, system: 'finops', url: 'https://x.operations.dynamics.com' })), 'https://x.operations.dynamics.com/data/');
  });

  it('lists every problem with its path and never the secret', () => {
    try {
      parseConnectorConfig({ ...valid, url: 'contoso', companies: [], pageSize: 9000, concurrency: 0, clientSecret: '', extra: 'Sup3r-S3cret!' });
      assert.fail('expected a ConnectorConfigError');
    } catch (err) {
      assert.ok(err instanceof ConnectorConfigError);
      const text = err.issues.join('\n');
      for (const path of ['url', 'companies', 'pageSize', 'concurrency', 'clientSecret']) assert.match(text, new RegExp(`^${path}:`, 'm'));
      assert.match(err.message, /invalid Dataverse|invalid connector config/);
      assert.doesNotMatch(err.message, /Sup3r-S3cret!/);
    }
    assert.throws(() => parseConnectorConfig({ ...valid, system: 'sap' }), /system/);
    assert.throws(() => parseConnectorConfig({ ...valid, companies: ['us mf'] }), /companies\.0/);
  });

  it('redacts the secret for logs and error texts', () => {
    assert.equal(redactConfig(parseConnectorConfig(valid)).clientSecret, '***');
    assert.equal(redactSecrets('client_secret=Sup3r-S3cret%21&x=1 and Sup3r-S3cret!', ['Sup3r-S3cret!']), 'client_secret=***&x=1 and ***');
    assert.ok(!JSON.stringify(redactConfig(parseConnectorConfig(valid))).includes('Sup3r'));
  });

  it('createConnector picks the connector by system', async () => {
    const dv = createConnector(valid);
    const fno = createConnector({ ...valid, system: 'finops' as const, url: 'https://x.operations.dynamics.com' });
    assert.ok(dv instanceof DataverseConnector);
    assert.ok(fno instanceof FinopsConnector);
    await dv.close?.();
    await fno.close?.();
  });
});
