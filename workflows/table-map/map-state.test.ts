import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MapStateMachine } from './map-state';

const running = () => {
  const s = new MapStateMachine('m');
  s.transition('Running', 'test');
  s.pendingLog.length = 0;
  return s;
};

describe('MapStateMachine', () => {
  it('pauses from Running and CatchingUp with who and why, and asks to cascade', () => {
    for (const from of ['Running', 'CatchingUp'] as const) {
      const s = running();
      s.transition(from, 'test');
      s.requestPause({ reason: 'maintenance', by: 'ops' });
      assert.equal(s.state, 'Paused');
      assert.equal(s.status.pausedBy, 'ops');
      assert.equal(s.status.pauseReason, 'maintenance');
      assert.match(s.cascadeReason ?? '', /m paused: maintenance/);
    }
  });

  it('defers a pause during the initial sync and lets a resume cancel it', () => {
    const s = new MapStateMachine('m');
    s.transition('InitialSync', 'load');
    s.requestPause({ by: 'ops' });
    assert.equal(s.state, 'InitialSync');
    assert.ok(s.pauseAfterInitialSync);
    assert.match(s.status.pending ?? '', /pause after initial sync/);
    s.requestResume({});
    assert.equal(s.pauseAfterInitialSync, null);
    assert.equal(s.status.pending, null);
  });

  it('records a resume with its mode only when paused or failed; otherwise logs it as ignored', () => {
    const s = running();
    s.requestResume({ mode: 'park' });
    assert.equal(s.resumeMode, null);
    assert.equal(s.pendingLog.at(-1)?.type, 'ignored');
    s.requestPause({});
    s.requestResume({ mode: 'park', by: 'ops' });
    assert.equal(s.resumeMode, 'park');
    s.transition('Failed', 'broken');
    s.requestResume({});
    assert.equal(s.resumeMode, 'drain', 'drain is the default mode');
  });

  it('ignores a pause once stopped, and accepts a stop from any state', () => {
    const s = running();
    s.transition('Stopped', 'test');
    s.requestPause({});
    assert.equal(s.state, 'Stopped');
    assert.equal(s.pendingLog.at(-1)?.type, 'ignored');
    const t = new MapStateMachine('m');
    t.requestStop({ reason: 'bye', by: 'ops' });
    assert.deepEqual(t.stopRequested, { reason: 'bye', by: 'ops' });
  });

  it('carries its state across continue-as-new as plain JSON', () => {
    const s = running();
    s.requestPause({ reason: 'r', by: 'b' });
    s.recordDrain({ counts: { applied: 2, unchanged: 1, echoes: 3, conflicts: 0, failed: 1, deferred: 0, deleted: 1 }, remaining: 5, batches: 1, lagSeconds: 0.5, lastError: 'x' }, Date.parse('2026-01-01T00:00:00Z'));
    const carried = JSON.parse(JSON.stringify(s.carry())) as ReturnType<MapStateMachine['carry']>;
    const t = new MapStateMachine('m', carried);
    assert.deepEqual(t.snapshot(), s.snapshot());
    assert.equal(t.snapshot().counts.applied, 2);
    assert.equal(t.snapshot().lastSyncedAt, '2026-01-01T00:00:00.000Z');
  });

  it('shows state, backlog, counts and the last error as Markdown', () => {
    const s = running();
    s.status.lastError = 'HTTP 401';
    const details = s.details();
    assert.match(details, /\*\*Running\*\*/);
    assert.match(details, /last error: `HTTP 401`/);
  });
});
