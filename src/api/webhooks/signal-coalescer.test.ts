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

test('each signal carries the details named by the pokes since the previous one', async () => {
  const sent: { map: string; details: string[] }[] = [];
  let release: () => void = () => undefined;
  const coalescer = new SignalCoalescer(
    (map, details) =>
      new Promise<void>((resolve) => {
        sent.push({ map, details });
        release = resolve;
      }),
    0,
  );
  coalescer.poke('a', ['finops-to-dataverse']);
  coalescer.poke('a', ['dataverse-to-finops']);
  coalescer.poke('a', ['finops-to-dataverse']);
  release();
  const deadline = Date.now() + 2000;
  while (sent.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(sent, [
    { map: 'a', details: ['finops-to-dataverse'] },
    { map: 'a', details: ['dataverse-to-finops', 'finops-to-dataverse'] },
  ]);
});
