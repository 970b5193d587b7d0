import type { Command } from 'commander';
import { Client, Connection } from '@temporalio/client';
import { createApiApp } from '../../api/app';
import { tokensFromEnvironment } from '../../api/auth/tokens';
import { ApiError } from '../../api/errors';
import { listen } from '../../api/server';
import type { ReceiverDependencies } from '../../api/webhooks/receive-changes';
import { codecSetupFromSettings } from '../../codec';
import { loadRuntimeConfig, type RuntimeConfig } from '../../config/runtime-config';
import { endpointsOf } from '../../runtime/worker-process';
import { temporalConnectionOf } from '../../config/temporal-connection';
import { directoryMapProvider, publishedMapProvider } from '../../runtime/map-provider';
import { createConnectors } from '../../runtime/sync-dependencies';
import { openStore } from '../../store';
import { startHousekeeping } from '../../runtime/housekeeping';
import type { Connector } from '../../connectors/types';
import type { SystemName } from '../../schema/entity-schema';

const WEBHOOK_SECRET_HEADER = 'x-dualwrite-secret';

/** Webhook parsers need the connectors; without system endpoints the receivers answer 503 instead of failing the start. */
function parsersOf(config: RuntimeConfig, log: (line: string) => void): Pick<ReceiverDependencies, 'parsers' | 'identities'> & { connectors?: Record<SystemName, Connector> } {
  try {
    const connectors = createConnectors(endpointsOf(config), config.DUALWRITE_COMPANIES);
    return {
      parsers: { finops: (b) => connectors.finops.parseEvent(b), dataverse: (b) => connectors.dataverse.parseEvent(b) },
      identities: { dataverse: () => connectors.dataverse.whoAmI!() },
      connectors,
    };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    log(`dualwrite api: webhooks disabled: ${reason}`);
    const refuse = (): never => {
      throw new ApiError(503, 'webhooks-not-configured', `this API cannot read webhooks: ${reason}`);
    };
    return { parsers: { finops: refuse, dataverse: refuse } };
  }
}

export function register(program: Command): void {
  program
    .command('api')
    .description('serve the REST API (/api/v1, /openapi.json), /health, /ready and the webhook receivers; tokens from DUALWRITE_API_TOKENS or DUALWRITE_API_TOKENS_FILE')
    .option('--port <port>', 'port to listen on (0: a free one); default DUALWRITE_API_PORT (8080)')
    .action(async (opts: { port?: string }) => {
      const log = (line: string) => console.error(line);
      const config = loadRuntimeConfig();
      const port = opts.port === undefined ? config.DUALWRITE_API_PORT : Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${opts.port}: expected a TCP port from 0 to 65535`);
      // Tokens first: a misconfigured API must not start and answer 401 to everyone.
      const tokens = tokensFromEnvironment({ ...process.env, DUALWRITE_API_TOKENS_FILE: config.DUALWRITE_API_TOKENS_FILE });

      const store = await openStore(config.DUALWRITE_DATABASE_URL);
      const temporal = temporalConnectionOf(config);
      const connection = await Connection.connect(temporal.connectionOptions);
      // Security: payloads encrypted like the worker's; the same codec serves /codec to the Temporal UI and CLI.
      const codec = codecSetupFromSettings(config);
      log(`dualwrite api: ${codec.summary}`);
      const client = new Client({ connection, namespace: temporal.namespace, ...(codec.dataConverter ? { dataConverter: codec.dataConverter } : {}) });
      // Published versions (API, console, imports) win over the files, as on the workers.
      const maps = publishedMapProvider(directoryMapProvider(config.DUALWRITE_MAPS_DIR, { onError: (m) => log(`dualwrite api: ${m}`) }), store.maps, { onError: (m) => log(`dualwrite api: ${m}`) });
      const secret = config.DUALWRITE_WEBHOOK_SECRET ? { header: WEBHOOK_SECRET_HEADER, value: config.DUALWRITE_WEBHOOK_SECRET } : undefined;
      const signingKey = config.DUALWRITE_WEBHOOK_SIGNING_KEY;
      if (!secret && !signingKey) log('dualwrite api: neither DUALWRITE_WEBHOOK_SECRET nor DUALWRITE_WEBHOOK_SIGNING_KEY is set: webhooks are accepted without a check (local use only)');

      const { connectors, ...receiving } = parsersOf(config, log);
      const app = createApiApp({
        receivers: {
          inbox: store.inbox,
          maps,
          ...receiving,
          client,
          ...(secret ? { secrets: { finops: secret, dataverse: secret } } : {}),
          ...(signingKey ? { signingKeys: { finops: signingKey, dataverse: signingKey } } : {}),
        },
        ...(codec.codec ? { codecServer: { codec: codec.codec, tokens, allowedOrigins: config.DUALWRITE_CODEC_ALLOWED_ORIGINS } } : {}),
        store,
        client,
        maps,
        tokens,
        taskQueue: config.DUALWRITE_TASK_QUEUE,
        ...(connectors ? { connectors } : {}),
        accessLog: (entry) => console.error(JSON.stringify({ level: 'info', msg: 'api request', ...entry })),
      });
      const server = await listen(app, port, config.DUALWRITE_LISTEN_HOST);
      // The API is the one long-running singleton of a deployment: alert rules and retention run here.
      const housekeeping = startHousekeeping({ store, client, maps, log });
      log(`dualwrite api: listening on ${server.url} (${tokens.size} token(s); ${temporal.summary}; store ${store.description})`);
      console.log(server.url);

      await new Promise<void>((resolve) => {
        let stopping = false;
        const stop = (signal: string) => {
          if (stopping) return;
          stopping = true;
          log(`dualwrite api: ${signal} received, stopping`);
          resolve();
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
      await housekeeping.stop();
      await server.stop();
      await connection.close();
      await store.close();
    });
}
