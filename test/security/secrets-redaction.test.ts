import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { statusQuery } from '../../src/contracts/map-messages';
import { enableWorkflowId, mapWorkflowId } from '../../src/contracts/names';
import { enableMapsWorkflow } from '../../workflows';
import { eventually, startSyncWorld, WORLD_OPERATOR_TOKEN } from '../harness/sync-world';
import { uniqueId } from '../harness/temporal';
import { TEST_OPTIONS } from '../sync/helpers';
import { revealsSecret, showAllHistories } from './histories';

/** Everything this process writes to stdout and stderr while `fn` runs (still passed through). */
async function capturingOutput<T>(fn: () => Promise<T>): Promise<{ result: T; output: string }> {
  const chunks: string[] = [];
  const streams = [process.stdout, process.stderr] as const;
  const originals = streams.map((s) => s.write.bind(s));
  streams.forEach((stream, i) => {
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return (originals[i] as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
  });
  try {
    const result = await fn();
    return { result, output: chunks.join('') };
  } finally {
    streams.forEach((stream, i) => (stream.write = originals[i] as typeof stream.write));
  }
}

/**
 * Secrets never leak: a world configured with distinctive secrets (a wrong Dataverse client
 * secret, so every write there fails with 401; the webhook secret; the codec key; the API
 * token) syncs a map, and none of the secret texts appears in the error queue, the activity
 * log, the map's status, any workflow history (raw, or decoded through the codec endpoint) or
 * this process's console output.
 */
test('client secrets, webhook secrets, codec keys and API tokens stay out of logs, errors and histories', async () => {
  const secrets = {
    dataverseClientSecret: `dv-client-secret-${randomBytes(12).toString('hex')}`,
    webhookSecret: `webhook-secret-${randomBytes(12).toString('hex')}`,
    codecKey: randomBytes(32).toString('base64'),
    apiToken: WORLD_OPERATOR_TOKEN,
  };

  let enableOutcome = '';
  let status: unknown;
  const { result: evidence, output } = await capturingOutput(async () => {
    const world = await startSyncWorld({
      companies: ['usmf'],
      clientSecrets: { dataverse: secrets.dataverseClientSecret },
      webhookSecret: secrets.webhookSecret,
      codecKeys: `k1:${secrets.codecKey}`,
    });
    const fo = world.users.finops;
    await world.withWorker(async () => {
      const handle = await world.env.client.workflow.start(enableMapsWorkflow, {
        taskQueue: world.taskQueue,
        workflowId: enableWorkflowId(uniqueId('redaction')),
        args: [{ maps: ['customer-groups'], initialSync: { master: 'finops' }, options: TEST_OPTIONS }],
      });
      // The prerequisite legal-entities fails its initial sync (401 writing to Dataverse), so enabling fails.
      enableOutcome = await handle.result().then(
        () => 'enabled',
        (err: Error) => `${err.message}: ${(err.cause as Error | undefined)?.message ?? ''}`,
      );
      // A live change too: it travels through the webhook (with the webhook secret) and the inbox.
      await fo.writeBatch('CustomerGroups', [{ id: 'g', kind: 'upsert', key: { dataAreaId: 'usmf', CustomerGroupId: 'ZRED' }, values: { Description: 'redaction' } }]);
      await eventually('the live change captured', async () => (await world.store.inbox.count({ map: 'customer-groups' })) > 0 || (await world.store.errors.count({ map: 'customer-groups' })) > 0 ? true : undefined);
      // Queried while the worker runs: the map workflows answer with their last error.
      status = await Promise.all(
        ['legal-entities', 'customer-groups'].map((map) => world.env.client.workflow.getHandle(mapWorkflowId(map)).query(statusQuery).catch((err: Error) => ({ map, queryFailed: err.message }))),
      );
    });
    const errors = await world.store.errors.list({ limit: 1000 });
    const log = await world.store.log.query({ limit: 1000 });
    const raw = await showAllHistories(world.temporal.address);
    const decoded = await showAllHistories(world.temporal.address, { endpoint: `${world.api.url}/codec`, token: secrets.apiToken });
    return { enableOutcome, status: JSON.stringify(status), errors: JSON.stringify(errors), log: JSON.stringify(log), raw: raw.text, decoded: decoded.text };
  });

  // The failure happened and was recorded: otherwise there would be nothing to leak.
  const recorded = `${evidence.enableOutcome}\n${evidence.status}\n${evidence.errors}\n${evidence.log}`;
  const refusal = 'Invalid client secret provided'; // the token endpoint's message, quoted in the activity failure
  assert.ok(revealsSecret(evidence.decoded, refusal) || recorded.includes(refusal), 'the 401 from the Dataverse token endpoint is recorded in a decoded history');
  // Failure messages are encrypted too (encodeCommonAttributes): not readable in the raw histories.
  assert.ok(!revealsSecret(evidence.raw, refusal), 'the failure message is readable in a raw history');

  const places = { ...evidence, console: output };
  for (const [secretName, secret] of Object.entries(secrets)) {
    for (const [place, text] of Object.entries(places)) {
      assert.ok(!revealsSecret(text, secret), `${secretName} appears in ${place}`);
    }
  }
});
