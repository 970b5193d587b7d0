import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError, VARIABLE_NAMES, describeConfig, endpointOf, loadRuntimeConfig, loadRuntimeConfigWithSources, unknownVariables } from './runtime-config';
import { taskQueuesOf, systemWorkerOptions } from './task-queues';
import { VARIABLE_DOCS, renderConfigurationTable } from './variables';

const dir = mkdtempSync(join(tmpdir(), 'dualwrite-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err.message;
  }
  assert.fail('expected a ConfigError, but the configuration was accepted');
}

describe('loadRuntimeConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const c = loadRuntimeConfig({});
    assert.equal(c.DUALWRITE_TASK_QUEUE, 'dualwrite');
    assert.equal(c.DUALWRITE_FINOPS_TASK_QUEUE, 'dualwrite-finops');
    assert.equal(c.DUALWRITE_DATAVERSE_TASK_QUEUE, 'dualwrite-dataverse');
    assert.equal(c.DUALWRITE_DATAVERSE_MAX_ACTIVITIES_PER_SECOND, 20);
    assert.equal(c.DUALWRITE_FINOPS_MAX_ACTIVITIES_PER_SECOND, undefined);
    assert.deepEqual(c.DUALWRITE_COMPANIES, ['usmf', 'usrt', 'demf']);
    assert.equal(c.DUALWRITE_API_PORT, 8080);
    assert.equal(c.DUALWRITE_LOG_LEVEL, 'info');
    assert.equal(c.DUALWRITE_LISTEN_HOST, '127.0.0.1');
  });

  it('parses numbers, lists and booleans from their string form', () => {
    const c = loadRuntimeConfig({
      DUALWRITE_COMPANIES: ' usmf , demf ',
      DUALWRITE_API_PORT: '9090',
      DUALWRITE_FINOPS_MAX_ACTIVITIES_PER_SECOND: '2.5',
      DUALWRITE_DATAVERSE_MAX_CONCURRENT_ACTIVITIES: '8',
      TEMPORAL_TLS: '1',
      DUALWRITE_LOG_LEVEL: 'debug',
    });
    assert.deepEqual(c.DUALWRITE_COMPANIES, ['usmf', 'demf']);
    assert.equal(c.DUALWRITE_API_PORT, 9090);
    assert.equal(c.DUALWRITE_FINOPS_MAX_ACTIVITIES_PER_SECOND, 2.5);
    assert.equal(c.DUALWRITE_DATAVERSE_MAX_CONCURRENT_ACTIVITIES, 8);
    assert.equal(c.TEMPORAL_TLS, true);
  });

  it('ignores variables that are not ours and treats empty values as unset', () => {
    const c = loadRuntimeConfig({ PATH: '/usr/bin', DUALWRITE_API_PORT: '', DUALWRITE_MAPS_DIR: '/srv/maps' });
    assert.equal(c.DUALWRITE_API_PORT, 8080);
    assert.equal(c.DUALWRITE_MAPS_DIR, '/srv/maps');
  });

  it('names every bad variable, what was expected and the value (of non-secrets)', () => {
    const message = errorOf(() =>
      loadRuntimeConfig({
        DUALWRITE_API_PORT: '80a',
        DUALWRITE_DATAVERSE_MAX_ACTIVITIES_PER_SECOND: '-1',
        DUALWRITE_LOG_LEVEL: 'verbose',
        TEMPORAL_TLS: 'yes',
        TEMPORAL_ADDRESS: 'http://temporal:7233',
        DUALWRITE_FINOPS_URL: 'ftp://x',
      }),
    );
    assert.match(message, /DUALWRITE_API_PORT \(environment\) = "80a": expected a TCP port/);
    assert.match(message, /DUALWRITE_DATAVERSE_MAX_ACTIVITIES_PER_SECOND .*"-1": expected a positive number/);
    assert.match(message, /DUALWRITE_LOG_LEVEL .*"verbose": expected one of debug, info, warn, error/);
    assert.match(message, /TEMPORAL_TLS .*"yes": expected true or false/);
    assert.match(message, /TEMPORAL_ADDRESS .*: expected host:port/);
    assert.match(message, /DUALWRITE_FINOPS_URL .*: expected an http\(s\) URL/);
    assert.match(message, /docs\/configuration\.md/);
  });

  it('never shows a secret or a database password in an error', () => {
    const message = errorOf(() =>
      loadRuntimeConfig({
        DUALWRITE_WEBHOOK_SECRET: 'short',
        DUALWRITE_DATABASE_URL: 'mysql://admin:hunter2@db/x',
        DUALWRITE_API_PORT: 'x',
      }),
    );
    assert.match(message, /DUALWRITE_WEBHOOK_SECRET .*\*\*\*\*\*\* \(set\): expected at least 8 characters/);
    assert.match(message, /DUALWRITE_DATABASE_URL .*unsupported scheme "mysql:"/);
    assert.doesNotMatch(message, /hunter2/);
    assert.doesNotMatch(message, /short/);
  });

  it('requires client certificate and key together, and one form of each', () => {
    assert.match(errorOf(() => loadRuntimeConfig({ TEMPORAL_TLS_CLIENT_CERT_PATH: '/c.pem' })), /TEMPORAL_TLS_CLIENT_KEY_PATH: expected required with TEMPORAL_TLS_CLIENT_CERT_PATH/);
    assert.match(
      errorOf(() => loadRuntimeConfig({ TEMPORAL_TLS_CLIENT_CERT_PATH: '/c.pem', TEMPORAL_TLS_CLIENT_KEY_PATH: '/k.pem', TEMPORAL_TLS_CLIENT_CERT_DATA: 'x', TEMPORAL_TLS_CLIENT_KEY_DATA: 'y' })),
      /set either TEMPORAL_TLS_CLIENT_CERT_PATH or TEMPORAL_TLS_CLIENT_CERT_DATA/,
    );
  });

  it('rejects task queues shared between systems, whose rate limits would collide', () => {
    const message = errorOf(() => loadRuntimeConfig({ DUALWRITE_DATAVERSE_TASK_QUEUE: 'dualwrite-finops' }));
    assert.match(message, /DUALWRITE_DATAVERSE_TASK_QUEUE.*must differ from DUALWRITE_FINOPS_TASK_QUEUE/);
  });
});

describe('DUALWRITE_CONFIG_FILE', () => {
  it('reads a .env file, and the environment wins over it', () => {
    const path = file('dualwrite.env', ['# demo', 'DUALWRITE_MAPS_DIR=/from/file', 'export DUALWRITE_API_PORT=9000', 'DUALWRITE_COMPANIES="usmf,demf"', ''].join('\n'));
    const { config, sources } = loadRuntimeConfigWithSources({ DUALWRITE_CONFIG_FILE: path, DUALWRITE_API_PORT: '9100' });
    assert.equal(config.DUALWRITE_MAPS_DIR, '/from/file');
    assert.equal(config.DUALWRITE_API_PORT, 9100);
    assert.deepEqual(config.DUALWRITE_COMPANIES, ['usmf', 'demf']);
    assert.equal(sources.DUALWRITE_MAPS_DIR, `file ${path}`);
    assert.equal(sources.DUALWRITE_API_PORT, 'environment');
  });

  it('reads a JSON file with numbers and lists', () => {
    const path = file('dualwrite.json', JSON.stringify({ DUALWRITE_API_PORT: 9001, DUALWRITE_COMPANIES: ['usrt'], TEMPORAL_TLS: true }));
    const c = loadRuntimeConfig({ DUALWRITE_CONFIG_FILE: path });
    assert.equal(c.DUALWRITE_API_PORT, 9001);
    assert.deepEqual(c.DUALWRITE_COMPANIES, ['usrt']);
    assert.equal(c.TEMPORAL_TLS, true);
  });

  it('names the file as the source of a bad value', () => {
    const path = file('bad.env', 'DUALWRITE_API_PORT=seventy\n');
    assert.match(errorOf(() => loadRuntimeConfig({ DUALWRITE_CONFIG_FILE: path })), new RegExp(`DUALWRITE_API_PORT \\(file ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\) = "seventy"`));
  });

  it('rejects unknown names in the file, suggesting the closest variable', () => {
    const path = file('typo.env', 'DUALWRITE_DATABSE_URL=postgres://db/x\n');
    assert.match(errorOf(() => loadRuntimeConfig({ DUALWRITE_CONFIG_FILE: path })), /DUALWRITE_DATABSE_URL: not a dualwrite variable \(did you mean DUALWRITE_DATABASE_URL\?\)/);
  });

  it('fails clearly on a missing file, malformed lines and malformed JSON', () => {
    assert.match(errorOf(() => loadRuntimeConfig({ DUALWRITE_CONFIG_FILE: join(dir, 'nope.env') })), /DUALWRITE_CONFIG_FILE=.*nope\.env: cannot read it \(the file does not exist\)/);
    const bad = file('broken.env', 'DUALWRITE_MAPS_DIR=maps\nthis is not a setting\n');
    assert.match(errorOf(() => loadRuntimeConfig({ DUALWRITE_CONFIG_FILE: bad })), /broken\.env:2: expected NAME=value/);
    const json = file('broken.json', '{"DUALWRITE_MAPS_DIR": ');
    assert.match(errorOf(() => loadRuntimeConfig({ DUALWRITE_CONFIG_FILE: json })), /broken\.json: not valid JSON/);
  });
});

describe('describeConfig', () => {
  it('masks secrets and database passwords, and says where each value came from', () => {
    const { config, sources } = loadRuntimeConfigWithSources({
      DUALWRITE_DATABASE_URL: 'postgres://dualwrite:s3cret-pw@db:5432/dualwrite',
      DUALWRITE_FINOPS_CLIENT_SECRET: 'very-secret-value',
      TEMPORAL_API_KEY: 'tmprl-api-key-value',
      DUALWRITE_WEBHOOK_SECRET: 'webhook-secret-value',
      DUALWRITE_SMTP_URL: 'smtp://alerts:mail-pw-value@mail.example.com:587',
    });
    const text = describeConfig(config, sources);
    for (const secret of ['s3cret-pw', 'very-secret-value', 'tmprl-api-key-value', 'webhook-secret-value', 'mail-pw-value']) assert.ok(!text.includes(secret), `${secret} leaked`);
    assert.match(text, /^DUALWRITE_SMTP_URL="smtp:\/\/alerts:\*\*\*@mail\.example\.com:587"/m);
    assert.match(text, /^DUALWRITE_DATABASE_URL="postgres:\/\/dualwrite:\*\*\*@db:5432\/dualwrite"  \(environment\)$/m);
    assert.match(text, /^DUALWRITE_FINOPS_CLIENT_SECRET=\*\*\*\*\*\* \(set\)  \(environment\)$/m);
    assert.match(text, /^DUALWRITE_API_PORT="8080"  \(default\)$/m);
    assert.match(text, /^TEMPORAL_TLS_CLIENT_KEY_DATA=\(not set\)$/m);
  });
});

describe('unknownVariables', () => {
  it('flags likely typos but not the test-only variables', () => {
    assert.deepEqual(unknownVariables({ DUALWRITE_API_PROT: '1', DUALWRITE_TEST_POSTGRES_URL: 'x', TEMPORAL_GRPC_META_X: 'y', HOME: '/root' }), ['DUALWRITE_API_PROT (did you mean DUALWRITE_API_PORT?)']);
  });
});

describe('endpointOf', () => {
  it('returns a configured system and names the missing variables otherwise', () => {
    const c = loadRuntimeConfig({ DUALWRITE_FINOPS_URL: 'https://contoso.operations.dynamics.com/data/', DUALWRITE_FINOPS_CLIENT_ID: 'app', DUALWRITE_FINOPS_CLIENT_SECRET: 'pw' });
    assert.deepEqual(endpointOf(c, 'finops'), { url: 'https://contoso.operations.dynamics.com/data/', tenantId: 'sandbox', clientId: 'app', clientSecret: 'pw', tokenUrl: undefined, scope: undefined });
    assert.throws(() => endpointOf(c, 'dataverse'), /dataverse is not configured: set DUALWRITE_DATAVERSE_URL, DUALWRITE_DATAVERSE_CLIENT_ID, DUALWRITE_DATAVERSE_CLIENT_SECRET/);
  });
});

describe('taskQueuesOf', () => {
  it('gives each system its queue and the worker options that carry its rate limit', () => {
    const plan = taskQueuesOf(loadRuntimeConfig({ DUALWRITE_FINOPS_MAX_ACTIVITIES_PER_SECOND: '50' }));
    assert.equal(plan.workflows, 'dualwrite');
    assert.deepEqual(systemWorkerOptions(plan.dataverse), { taskQueue: 'dualwrite-dataverse', maxConcurrentActivityTaskExecutions: 16, maxTaskQueueActivitiesPerSecond: 20 });
    assert.deepEqual(systemWorkerOptions(plan.finops), { taskQueue: 'dualwrite-finops', maxConcurrentActivityTaskExecutions: 16, maxTaskQueueActivitiesPerSecond: 50 });
    const unlimited = taskQueuesOf(loadRuntimeConfig({}));
    assert.ok(!('maxTaskQueueActivitiesPerSecond' in systemWorkerOptions(unlimited.finops)));
  });
});

describe('docs/configuration.md', () => {
  it('holds the current table of every variable', () => {
    const docs = readFileSync(join(__dirname, '../../docs/configuration.md'), 'utf8');
    assert.ok(docs.includes(renderConfigurationTable()), 'docs/configuration.md is out of date: paste renderConfigurationTable() output (npx tsx -e "console.log(require(\'./src/config/variables\').renderConfigurationTable())")');
    assert.deepEqual(Object.keys(VARIABLE_DOCS).sort(), [...VARIABLE_NAMES].sort());
  });

  it('documents a default for every variable that has one', () => {
    const defaults = loadRuntimeConfig({}) as Record<string, unknown>;
    const undocumented = VARIABLE_NAMES.filter((n) => defaults[n] !== undefined && VARIABLE_DOCS[n].default === undefined);
    assert.deepEqual(undocumented, []);
  });
});
