import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planLayers } from './enable';

test('planLayers adds prerequisites and orders maps in dependency layers', () => {
  const edges = new Map([
    ['customers', ['groups', 'currencies']],
    ['groups', ['terms']],
    ['terms', ['companies']],
    ['currencies', []],
    ['companies', []],
    ['unrelated', []],
  ]);
  assert.deepEqual(planLayers(['customers'], edges), [['companies', 'currencies'], ['terms'], ['groups'], ['customers']]);
  assert.deepEqual(planLayers(['unrelated', 'terms'], edges), [['companies', 'unrelated'], ['terms']]);
});
