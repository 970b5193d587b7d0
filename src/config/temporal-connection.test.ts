import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadRuntimeConfig } from './runtime-config';
import { temporalConnectionOf } from './temporal-connection';

const dir = mkdtempSync(join(tmpdir(), 'dualwrite-temporal-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

// No HOME: the user's own ~/.config/temporalio/temporal.toml must not leak into these tests.
const connect = (env: Record<string, string>) => temporalConnectionOf(loadRuntimeConfig(env), env);

describe('temporalConnectionOf', () => {
  it('defaults to the local dev server, plaintext, namespace default', () => {
    const c = connect({});
    assert.equal(c.connectionOptions.address, '127.0.0.1:7233');
    assert.equal(c.namespace, 'default');
    assert.ok(!c.connectionOptions.tls);
    assert.equal(c.summary, 'Temporal 127.0.0.1:7233, namespace default (plaintext)');
  });

  it('turns TLS on for a Temporal Cloud API key, and never puts the key in the summary', () => {
    const c = connect({ TEMPORAL_ADDRESS: 'us-east-1.aws.api.temporal.io:7233', TEMPORAL_NAMESPACE: 'dw.a1b2c', TEMPORAL_API_KEY: 'key-123-secret' });
    assert.equal(c.connectionOptions.address, 'us-east-1.aws.api.temporal.io:7233');
    assert.equal(c.connectionOptions.apiKey, 'key-123-secret');
    assert.equal(c.connectionOptions.tls, true);
    assert.equal(c.namespace, 'dw.a1b2c');
    assert.equal(c.summary, 'Temporal us-east-1.aws.api.temporal.io:7233, namespace dw.a1b2c (TLS, API key)');
  });

  it('loads an mTLS client certificate pair from files', () => {
    const cert = file('client.pem', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const key = file('client.key', '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n');
    const c = connect({ TEMPORAL_ADDRESS: 'dw.a1b2c.tmprl.cloud:7233', TEMPORAL_TLS_CLIENT_CERT_PATH: cert, TEMPORAL_TLS_CLIENT_KEY_PATH: key, TEMPORAL_TLS_SERVER_NAME: 'dw.a1b2c.tmprl.cloud' });
    const tls = c.connectionOptions.tls;
    assert.ok(tls && typeof tls === 'object');
    assert.match(Buffer.from(tls.clientCertPair?.crt ?? []).toString(), /BEGIN CERTIFICATE/);
    assert.match(Buffer.from(tls.clientCertPair?.key ?? []).toString(), /BEGIN PRIVATE KEY/);
    assert.equal(tls.serverNameOverride, 'dw.a1b2c.tmprl.cloud');
    assert.match(c.summary, /\(mTLS\)/);
  });

  it('TEMPORAL_TLS=false forces plaintext even with an API key (a local proxy)', () => {
    const c = connect({ TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: 'false' });
    assert.equal(c.connectionOptions.tls, false);
  });

  it('reads a TOML profile, and the variables win over it', () => {
    const toml = file('temporal.toml', ['[profile.default]', 'address = "file-default:7233"', '', '[profile.prod]', 'address = "prod.example:7233"', 'namespace = "prod-ns"', 'api_key = "from-file"', ''].join('\n'));
    assert.equal(connect({ TEMPORAL_CONFIG_FILE: toml }).connectionOptions.address, 'file-default:7233');
    const prod = connect({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'prod', TEMPORAL_NAMESPACE: 'override-ns' });
    assert.equal(prod.connectionOptions.address, 'prod.example:7233');
    assert.equal(prod.namespace, 'override-ns');
    assert.equal(prod.connectionOptions.apiKey, 'from-file');
  });

  it('takes the TEMPORAL_* variables from DUALWRITE_CONFIG_FILE too', () => {
    const env = file('dw.env', 'TEMPORAL_ADDRESS=temporal:7233\nTEMPORAL_NAMESPACE=from-file\n');
    const c = connect({ DUALWRITE_CONFIG_FILE: env });
    assert.equal(c.connectionOptions.address, 'temporal:7233');
    assert.equal(c.namespace, 'from-file');
  });

  it('fails clearly on a missing profile, a missing file or a missing certificate', () => {
    const toml = file('only-default.toml', '[profile.default]\naddress = "x:7233"\n');
    assert.throws(() => connect({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'staging' }), /TEMPORAL_PROFILE="staging": expected a \[profile\.staging\] table in .*only-default\.toml/);
    // envconfig alone would silently fall back to defaults here.
    assert.throws(() => connect({ TEMPORAL_CONFIG_FILE: join(dir, 'absent.toml') }), /TEMPORAL_CONFIG_FILE=".*absent\.toml": expected an existing file/);
    assert.throws(() => connect({ TEMPORAL_TLS_CLIENT_CERT_PATH: join(dir, 'no.pem'), TEMPORAL_TLS_CLIENT_KEY_PATH: join(dir, 'no.key') }), /TEMPORAL_TLS_CLIENT_CERT_PATH=.*expected an existing file[\s\S]*TEMPORAL_TLS_CLIENT_KEY_PATH/);
    const broken = file('broken.toml', '[profile.default\naddress = \n');
    assert.throws(() => connect({ TEMPORAL_CONFIG_FILE: broken }), /cannot read the Temporal connection settings from .*broken\.toml/);
  });
});
