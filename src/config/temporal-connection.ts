import { existsSync } from 'node:fs';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { NAMESPACE } from '../contracts/names';
import { ConfigError, type RuntimeConfig } from './runtime-config';

/**
 * How to reach Temporal, resolved the way the Temporal CLI and SDKs do (@temporalio/envconfig):
 * a TOML profile (TEMPORAL_CONFIG_FILE / TEMPORAL_PROFILE, else ~/.config/temporalio/temporal.toml
 * if present) overridden by the TEMPORAL_* variables. The variables come from our validated
 * configuration (so DUALWRITE_CONFIG_FILE can hold them too), not straight from process.env.
 */
export interface TemporalConnection {
  /** Pass to NativeConnection.connect() (worker) or Connection.connect() (client). */
  connectionOptions: NativeConnectionOptions & { address: string };
  namespace: string;
  /** Safe to log: address, namespace and how it authenticates, no key material. */
  summary: string;
}

export const DEFAULT_TEMPORAL_ADDRESS = '127.0.0.1:7233';

const PASSED_THROUGH = ['HOME', 'XDG_CONFIG_HOME', 'APPDATA'];

export function temporalConnectionOf(config: RuntimeConfig, env: NodeJS.ProcessEnv = process.env): TemporalConnection {
  const vars: Record<string, string> = {};
  // Where the default TOML file lives, and gRPC headers, which are free-form and not in our table.
  for (const [k, v] of Object.entries(env)) {
    if (v !== undefined && v !== '' && (PASSED_THROUGH.includes(k) || k.startsWith('TEMPORAL_GRPC_META_'))) vars[k] = v;
  }
  const set = (name: keyof RuntimeConfig & `TEMPORAL_${string}`, value: string | boolean | undefined) => {
    if (value !== undefined) vars[name] = String(value);
  };
  set('TEMPORAL_ADDRESS', config.TEMPORAL_ADDRESS);
  set('TEMPORAL_NAMESPACE', config.TEMPORAL_NAMESPACE);
  set('TEMPORAL_API_KEY', config.TEMPORAL_API_KEY);
  set('TEMPORAL_TLS', config.TEMPORAL_TLS);
  set('TEMPORAL_TLS_CLIENT_CERT_PATH', config.TEMPORAL_TLS_CLIENT_CERT_PATH);
  set('TEMPORAL_TLS_CLIENT_KEY_PATH', config.TEMPORAL_TLS_CLIENT_KEY_PATH);
  set('TEMPORAL_TLS_CLIENT_CERT_DATA', config.TEMPORAL_TLS_CLIENT_CERT_DATA);
  set('TEMPORAL_TLS_CLIENT_KEY_DATA', config.TEMPORAL_TLS_CLIENT_KEY_DATA);
  set('TEMPORAL_TLS_SERVER_CA_CERT_PATH', config.TEMPORAL_TLS_SERVER_CA_CERT_PATH);
  set('TEMPORAL_TLS_SERVER_CA_CERT_DATA', config.TEMPORAL_TLS_SERVER_CA_CERT_DATA);
  set('TEMPORAL_TLS_SERVER_NAME', config.TEMPORAL_TLS_SERVER_NAME);
  set('TEMPORAL_PROFILE', config.TEMPORAL_PROFILE);
  set('TEMPORAL_CONFIG_FILE', config.TEMPORAL_CONFIG_FILE);

  // envconfig silently ignores a missing TEMPORAL_CONFIG_FILE and reports missing PEM files as a
  // bare ENOENT; an operator who named a file wants to hear that it is not there.
  const files = ['TEMPORAL_CONFIG_FILE', 'TEMPORAL_TLS_CLIENT_CERT_PATH', 'TEMPORAL_TLS_CLIENT_KEY_PATH', 'TEMPORAL_TLS_SERVER_CA_CERT_PATH'] as const;
  const missing = files.filter((name) => config[name] !== undefined && !existsSync(config[name]));
  if (missing.length > 0) {
    throw new ConfigError(`invalid Temporal configuration:\n${missing.map((n) => `  ${n}=${JSON.stringify(config[n])}: expected an existing file, but there is none`).join('\n')}`);
  }

  let loaded: ReturnType<typeof loadClientConnectConfig>;
  try {
    loaded = loadClientConnectConfig({ overrideEnvVars: vars });
  } catch (err) {
    const message = (err as Error).message;
    const file = config.TEMPORAL_CONFIG_FILE ?? 'the default Temporal config file (~/.config/temporalio/temporal.toml)';
    if (/Profile '.*' not found/.test(message)) {
      throw new ConfigError(`TEMPORAL_PROFILE=${JSON.stringify(config.TEMPORAL_PROFILE)}: expected a [profile.${config.TEMPORAL_PROFILE ?? 'default'}] table in ${file}, but there is none`);
    }
    throw new ConfigError(`cannot read the Temporal connection settings from ${file}: ${message}`);
  }

  const options = loaded.connectionOptions;
  const address = options.address ?? DEFAULT_TEMPORAL_ADDRESS;
  const namespace = loaded.namespace ?? NAMESPACE;
  const tls = options.tls == null || options.tls === false ? 'plaintext' : typeof options.tls === 'object' && options.tls.clientCertPair ? 'mTLS' : 'TLS';
  const auth = options.apiKey !== undefined ? ', API key' : '';
  return {
    connectionOptions: { ...options, address },
    namespace,
    summary: `Temporal ${address}, namespace ${namespace} (${tls}${auth})`,
  };
}
