import type { Command } from 'commander';
import { Client, Connection } from '@temporalio/client';
import { createApiApp } from '../../api/app';
import { tokensFromEnvironment } from '../../api/auth/tokens';
import { ApiError } from '../../api/errors';
import { listen } from '../../api/server';
import type { ReceiverDependencies } from '../../api/webhooks/receive-changes';
import { endpointOf, loadRuntimeConfig, type RuntimeConfig } from '../../config/runtime-config';
import { temporalConnectionOf } from '../../config/temporal-connection';
import { directoryMapProvider } from '../../runtime/map-provider';
import { createConnectors } from '../../runtime/sync-dependencies';
import { openStore } from '../../store';

const WEBHOOK_SECRET_HEADER = 'x-dualwrite-secret';

/** Webhook parsers need the connectors; without system endpoints the receivers answer 503 instead of failing the start. */
function parsersOf(config: RuntimeConfig, log: (line: string) => void): ReceiverDependencies['parsers'] {
  try {
    const connectors = createConnectors({ finops: endpointOf(config, 'finops'), dataverse: endpointOf(config, 'dataverse') }, config.DUALWRITE_COMPANIES);
    return { finops: (b) => connectors.finops.parseEvent(b), dataverse: (b) => connectors.dataverse.parseEvent(b) };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    log(`dualwrite api: webhooks disabled: ${reason}`);
    const refuse = (): never => {
      throw new ApiError(503, 'webhooks-not-configured', `this API cannot read webhooks: ${reason}`);
    };
    return { finops: refuse, dataverse: refuse };
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
      const client = new Client({ connection, namespace: temporal.namespace });
      const maps = directoryMapProvider(config.DUALWRITE_MAPS_DIR, { onError: (m) => log(`dualwrite api: ${m}`) });
      const secret = config.DUALWRITE_WEBHOOK_SECRET ? { header: WEBHOOK_SECRET_HEADER, value: config.DUALWRITE_WEBHOOK_SECRET } : undefined;
      if (!secret) log('dualwrite api: DUALWRITE_WEBHOOK_SECRET is not set: webhooks are accepted without a secret (local use only)');

      const app = createApiApp({
        receivers: { inbox: store.inbox, maps, parsers: parsersOf(config, log), client, ...(secret ? { secrets: { finops: secret, dataverse: secret } } : {}) },
        store,
        client,
        maps,
        tokens,
        taskQueue: config.DUALWRITE_TASK_QUEUE,
        accessLog: (entry) => console.error(JSON.stringify({ level: 'info', msg: 'api request', ...entry })),
      });
      const server = await listen(app, port, config.DUALWRITE_LISTEN_HOST);
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
      await server.stop();
      await connection.close();
      await store.close();
    });
}
