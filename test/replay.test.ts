import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Worker } from '@temporalio/worker';

import { workflowBundle } from '../src/worker/workflow-bundle';
import { installTestRuntime } from './harness/temporal';

installTestRuntime();

/**
 * Every history in test/histories/ must replay against today's workflow code. A change that
 * would break running workflows (a reordered activity, a removed timer) fails here, and must
 * be guarded with `patched()` instead.
 */
const dir = join(__dirname, 'histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

test('stored histories exist for replay', () => {
  assert.ok(files.length > 0, `no histories in ${dir}`);
});

for (const file of files) {
  test(`replays ${file} deterministically`, async () => {
    const history: unknown = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle(), replayName: file }, history);
  });
}
