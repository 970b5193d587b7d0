import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SignalCoalescer } from './signal-coalescer';

test('a burst of pokes becomes one signal in flight and one after it, per map', async () => {
  const sent: string[] = [];
  const release = new Map<string, () => void>();
  const coalescer = new SignalCoalescer(
    (map) =>
      new Promise<void>((resolve) => {
        sent.push(map);
        release.set(map, resolve);
      }),
    0,
  );
  for (let i = 0; i < 100; i++) coalescer.poke('a');
  coalescer.poke('b');
  assert.deepEqual(sent, ['a', 'b'], 'the first poke of each map signals at once');
  release.get('a')!();
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(sent.filter((m) => m === 'a').length, 2, 'the 99 pokes during the first signal cause exactly one more');
  release.get('a')!();
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(sent.filter((m) => m === 'a').length, 2, 'and nothing after that');
});

test('signals of one map keep the minimum interval; a failed one is reported', async () => {
  const at: number[] = [];
  const errors: string[] = [];
  const coalescer = new SignalCoalescer(
    async () => {
      at.push(Date.now());
      if (at.length === 1) throw new Error('temporal unavailable');
    },
    40,
    (_map, err) => errors.push((err as Error).message),
  );
  coalescer.poke('a');
  coalescer.poke('a');
  const deadline = Date.now() + 2000;
  while (at.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  assert.equal(at.length, 2);
  assert.ok(at[1]! - at[0]! >= 38, `at least the interval apart: ${at[1]! - at[0]!} ms`);
  assert.deepEqual(errors, ['temporal unavailable']);
});
