import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DrainLanes } from './drain-lanes';

const F2D = 'finops-to-dataverse' as const;
const D2F = 'dataverse-to-finops' as const;

describe('DrainLanes', () => {
  it('starts each direction on its own: a running drain does not hold the other direction', () => {
    const lanes = new DrainLanes();
    lanes.start(F2D);
    assert.equal(lanes.startable(F2D, 0), false);
    assert.equal(lanes.startable(D2F, 0), true);
    assert.equal(lanes.idle(), false);
  });

  it('runs a direction again when changes were signalled during its drain, or some remain', () => {
    const lanes = new DrainLanes();
    lanes.start(F2D);
    lanes.start(D2F);
    lanes.wantAll();
    lanes.succeeded(F2D, 0);
    lanes.ended(F2D);
    assert.equal(lanes.startable(F2D, 0), true, 'signalled while running');
    lanes.start(F2D);
    lanes.succeeded(F2D, 0);
    lanes.ended(F2D);
    assert.equal(lanes.startable(F2D, 0), false, 'nothing new: stays idle');
    lanes.succeeded(D2F, 7);
    lanes.ended(D2F);
    assert.equal(lanes.startable(D2F, 0), true, 'budget spent with changes left');
    assert.equal(lanes.remaining(), 7);
    assert.equal(lanes.finished, 3);
    assert.equal(lanes.idle(), true);
  });

  it('wants one direction when a signal names it', () => {
    const lanes = new DrainLanes();
    for (const d of [F2D, D2F]) {
      lanes.start(d);
      lanes.succeeded(d, 0);
      lanes.ended(d);
    }
    lanes.want(D2F);
    assert.equal(lanes.startable(D2F, 0), true);
    assert.equal(lanes.startable(F2D, 0), false);
  });

  it('backs a failed direction off with growing pauses, and resets on success or resume', () => {
    const lanes = new DrainLanes();
    lanes.start(F2D);
    lanes.failed(F2D, 1000, true);
    lanes.ended(F2D);
    assert.equal(lanes.startable(F2D, 1500), false);
    assert.equal(lanes.nextRetryAt(1500), 3000);
    assert.equal(lanes.startable(F2D, 3000), true);
    lanes.start(F2D);
    lanes.failed(F2D, 3000, true);
    lanes.ended(F2D);
    assert.equal(lanes.nextRetryAt(3000), 7000);
    lanes.resetFailures();
    assert.equal(lanes.startable(F2D, 3000), true);
    assert.equal(lanes.nextRetryAt(3000), Infinity);
  });

  it('does not schedule a retry for a permanent failure', () => {
    const lanes = new DrainLanes();
    lanes.start(D2F);
    lanes.failed(D2F, 0, false);
    lanes.ended(D2F);
    assert.equal(lanes.nextRetryAt(0), Infinity);
  });
});
