import type { VariableName } from './runtime-config';

/**
 * The documentation half of the configuration table: what each variable means, its default as a
 * reader should see it, and whether its value may be shown. Typed by the schema's keys, so a
 * variable cannot be added without its line here; docs/configuration.md embeds
 * renderConfigurationTable() and a test checks it is current.
 */
export interface VariableDoc {
  group: 'General' | 'Temporal connection' | 'Task queues and API quotas' | 'Finance & Operations' | 'Dataverse' | 'Alerts' | 'API, webhooks and ports' | 'Payload encryption';
  meaning: string;
  /** As shown in the table; undefined: no default. */
  default?: string;
  /** Never printed, not even in error messages. */
  secret?: boolean;
  /** `url`: a password inside is masked; `pem`: only the length is shown. */
  display?: 'url' | 'pem';
}

const system = (label: string, prefix: 'DUALWRITE_FINOPS' | 'DUALWRITE_DATAVERSE', group: VariableDoc['group'], root: string) =>
  ({
    [`${prefix}_URL`]: { group, meaning: `${label} service root, e.g. \`${root}\`. Unset: the local sandbox.` },
    [`${prefix}_TENANT_ID`]: { group, default: '`sandbox`', meaning: `Microsoft Entra tenant of the ${label} app registration.` },
    [`${prefix}_CLIENT_ID`]: { group, meaning: `Client (application) ID used for the client-credentials token.` },
    [`${prefix}_CLIENT_SECRET`]: { group, secret: true, meaning: `Client secret of that application. Secret: never printed.` },
    [`${prefix}_TOKEN_URL`]: { group, meaning: 'Token endpoint; default derived from the tenant (`https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token`).' },
    [`${prefix}_SCOPE`]: { group, meaning: 'OAuth scope; default `<service origin>/.default`.' },
  }) as Record<`${typeof prefix}_${'URL' | 'TENANT_ID' | 'CLIENT_ID' | 'CLIENT_SECRET' | 'TOKEN_URL' | 'SCOPE'}`, VariableDoc>;

export const VARIABLE_DOCS: Record<VariableName, VariableDoc> = {
  DUALWRITE_CONFIG_FILE: { group: 'General', meaning: 'A file holding any of these variables, as JSON (`{"NAME": "value"}`) or .env lines (`NAME=value`). The environment wins over the file. Only settable in the environment.' },
  DUALWRITE_DATABASE_URL: { group: 'General', display: 'url', default: 'SQLite `.data/dualwrite.db`', meaning: 'Control store. `postgres://user:password@host:5432/db[?schema=name]` for PostgreSQL (required with more than one worker), or a SQLite path. The password is masked in logs.' },
  DUALWRITE_MAPS_DIR: { group: 'General', default: '`maps`', meaning: 'Folder of table-map files.' },
  DUALWRITE_COMPANIES: { group: 'General', default: '`usmf,usrt,demf`', meaning: 'Comma-separated F&O companies (dataAreaId) that take part.' },
  DUALWRITE_CACHE_DIR: { group: 'General', default: '`$XDG_CACHE_HOME/dualwrite` or `~/.cache/dualwrite`', meaning: 'Where `npm start` and `npm test` keep the Temporal CLI they build (outside the repository).' },
  DUALWRITE_LOG_LEVEL: { group: 'General', default: '`info`', meaning: '`debug`, `info`, `warn` or `error`.' },

  TEMPORAL_ADDRESS: { group: 'Temporal connection', default: '`127.0.0.1:7233`', meaning: 'Frontend `host:port`; Temporal Cloud: `<namespace>.<account>.tmprl.cloud:7233` (mTLS) or the regional endpoint such as `us-east-1.aws.api.temporal.io:7233` (API key).' },
  TEMPORAL_NAMESPACE: { group: 'Temporal connection', default: '`default`', meaning: 'Namespace; Temporal Cloud: `<namespace>.<account>`.' },
  TEMPORAL_API_KEY: { group: 'Temporal connection', secret: true, meaning: 'API key (Temporal Cloud). Turns TLS on unless `TEMPORAL_TLS=false`. Secret.' },
  TEMPORAL_TLS: { group: 'Temporal connection', meaning: '`true` or `false`: force TLS on or off. Unset: on when an API key or any TLS setting is given.' },
  TEMPORAL_TLS_CLIENT_CERT_PATH: { group: 'Temporal connection', meaning: 'mTLS client certificate (PEM file). Needs `TEMPORAL_TLS_CLIENT_KEY_PATH`.' },
  TEMPORAL_TLS_CLIENT_KEY_PATH: { group: 'Temporal connection', meaning: 'mTLS client private key (PEM file).' },
  TEMPORAL_TLS_CLIENT_CERT_DATA: { group: 'Temporal connection', display: 'pem', meaning: 'mTLS client certificate as PEM text, instead of the path.' },
  TEMPORAL_TLS_CLIENT_KEY_DATA: { group: 'Temporal connection', secret: true, meaning: 'mTLS client private key as PEM text, instead of the path. Secret.' },
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: { group: 'Temporal connection', meaning: 'CA certificate (PEM file) to trust for a self-hosted cluster with a private CA.' },
  TEMPORAL_TLS_SERVER_CA_CERT_DATA: { group: 'Temporal connection', display: 'pem', meaning: 'The same CA as PEM text.' },
  TEMPORAL_TLS_SERVER_NAME: { group: 'Temporal connection', meaning: 'Server name to verify (SNI) when it differs from the address host.' },
  TEMPORAL_PROFILE: { group: 'Temporal connection', default: '`default`', meaning: 'Profile to read from the Temporal TOML configuration file.' },
  TEMPORAL_CONFIG_FILE: { group: 'Temporal connection', default: '`~/.config/temporalio/temporal.toml` if present', meaning: 'Temporal client TOML file (as written by `temporal config set`). Variables above win over it. Must exist when set.' },

  DUALWRITE_TASK_QUEUE: { group: 'Task queues and API quotas', default: '`dualwrite`', meaning: 'Workflow task queue (and activities that call neither system).' },
  DUALWRITE_FINOPS_TASK_QUEUE: { group: 'Task queues and API quotas', default: '`dualwrite-finops`', meaning: 'Task queue of activities that call F&O.' },
  DUALWRITE_DATAVERSE_TASK_QUEUE: { group: 'Task queues and API quotas', default: '`dualwrite-dataverse`', meaning: 'Task queue of activities that call Dataverse.' },
  DUALWRITE_FINOPS_MAX_ACTIVITIES_PER_SECOND: { group: 'Task queues and API quotas', default: 'no limit', meaning: 'Server-side limit (`maxTaskQueueActivitiesPerSecond`) on F&O activities started per second, across all workers. F&O throttles by resource use rather than a fixed quota; set it if 429s appear.' },
  DUALWRITE_DATAVERSE_MAX_ACTIVITIES_PER_SECOND: { group: 'Task queues and API quotas', default: '`20`', meaning: 'The same for Dataverse: 6,000 requests per user per 5 minutes is 20 per second. Counts activities, not HTTP requests: divide by the requests one activity makes.' },
  DUALWRITE_FINOPS_MAX_CONCURRENT_ACTIVITIES: { group: 'Task queues and API quotas', default: '`16`', meaning: 'F&O activities one worker process runs at once.' },
  DUALWRITE_DATAVERSE_MAX_CONCURRENT_ACTIVITIES: { group: 'Task queues and API quotas', default: '`16`', meaning: 'Dataverse activities one worker runs at once. Keep workers × this under 52, Dataverse\'s concurrent-request limit per user.' },

  ...system('F&O', 'DUALWRITE_FINOPS', 'Finance & Operations', 'https://contoso.operations.dynamics.com/data/'),
  ...system('Dataverse', 'DUALWRITE_DATAVERSE', 'Dataverse', 'https://contoso.crm.dynamics.com/api/data/v9.2/'),

  DUALWRITE_SMTP_URL: { group: 'Alerts', display: 'url', meaning: 'SMTP server for alert e-mail, e.g. `smtp://user:password@mail.example.com:587` (`smtps://` for TLS). The password is masked in logs.' },
  DUALWRITE_ALERT_FROM: { group: 'Alerts', default: '`dualwrite@localhost`', meaning: 'Sender address of alert e-mail.' },

  DUALWRITE_WEBHOOK_SECRET: { group: 'API, webhooks and ports', secret: true, meaning: 'Shared secret that inbound webhooks must present in the `x-dualwrite-secret` header (at least 8 characters; compared in constant time). Dataverse service endpoints and F&O data-event endpoints can send such a fixed header. Secret.' },
  DUALWRITE_WEBHOOK_SIGNING_KEY: { group: 'API, webhooks and ports', secret: true, meaning: 'HMAC key: when set, inbound webhooks must carry `X-DualWrite-Signature: sha256=<hex HMAC-SHA256 of the raw body>`, for senders that can sign (a relay, a custom plug-in). Checked in addition to the shared secret. See docs/security.md. Secret.' },
  DUALWRITE_LISTEN_HOST: { group: 'API, webhooks and ports', default: '`127.0.0.1`', meaning: 'Interface the API and the sandboxes listen on; `0.0.0.0` in containers.' },
  DUALWRITE_API_PORT: { group: 'API, webhooks and ports', default: '`8080`', meaning: 'API, webhooks and console.' },
  DUALWRITE_API_TOKENS: { group: 'API, webhooks and ports', secret: true, meaning: 'API tokens and their roles as JSON, `{"<token>": {"name": "alice", "role": "admin"}}`. `dualwrite api` needs this or the file below. Secret.' },
  DUALWRITE_API_TOKENS_FILE: { group: 'API, webhooks and ports', meaning: 'A JSON file of the same form; a token in both keeps the file\'s entry.' },
  DUALWRITE_TEMPORAL_PORT: { group: 'API, webhooks and ports', default: '`7233`', meaning: 'Frontend port of the dev server that `dualwrite start` runs.' },
  DUALWRITE_TEMPORAL_UI_PORT: { group: 'API, webhooks and ports', default: '`8233`', meaning: 'Temporal UI port of that dev server.' },
  DUALWRITE_CODEC_KEYS: { group: 'Payload encryption', secret: true, default: 'none (`npm start`: a key made once in `.data/codec.key`)', meaning: 'AES-256-GCM keys that encrypt every Temporal payload, `<id>:<base64 of 32 bytes>` separated by commas, e.g. `k2:...,k1:...`: the first encrypts, all decrypt (rotation: put the new key first). Workers, the API and the CLI need the same keys. Unset with no key file: payloads are not encrypted (a warning says so). Secret.' },
  DUALWRITE_CODEC_KEY_FILE: { group: 'Payload encryption', meaning: 'A file holding the keys in the same form (one per line allowed; `#` comments). `DUALWRITE_CODEC_KEYS` wins when both are set. Keep it mode 0600.' },
  DUALWRITE_CODEC_ALLOWED_ORIGINS: { group: 'Payload encryption', default: '`http://localhost:8233,http://127.0.0.1:8233`', meaning: 'Browser origins (the Temporal UI) allowed to call the codec endpoint `<API>/codec` (CORS). Decoding also needs an operator or admin API token.' },
  DUALWRITE_FINOPS_PORT: { group: 'API, webhooks and ports', default: '`8081`', meaning: 'F&O sandbox port.' },
  DUALWRITE_DATAVERSE_PORT: { group: 'API, webhooks and ports', default: '`8082`', meaning: 'Dataverse sandbox port.' },
};

/** The Markdown table of docs/configuration.md, grouped as the docs present it. */
export function renderConfigurationTable(): string {
  const groups = [...new Set(Object.values(VARIABLE_DOCS).map((d) => d.group))];
  return groups
    .map((group) => {
      const rows = Object.entries(VARIABLE_DOCS)
        .filter(([, d]) => d.group === group)
        .map(([name, d]) => `| \`${name}\` | ${d.default ?? ''} | ${d.meaning.replace(/\|/g, '\\|')} |`);
      return [`### ${group}`, '', '| Variable | Default | Meaning |', '| --- | --- | --- |', ...rows].join('\n');
    })
    .join('\n\n');
}
