import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import type { InitialSyncProgress } from '../../contracts/map-messages';
import { formatAgo, formatDuration } from './format';
import { initialSyncProgressBar, progressLine, rateTracker } from './progress';
import { renderTable } from './table';

const progress = (over: Partial<InitialSyncProgress>): InitialSyncProgress => ({
  map: 'customers', master: 'finops', company: 'usmf', pass: 1, done: false, startedAt: '2026-01-01T00:00:00Z',
  read: 0, created: 0, updated: 0, unchanged: 0, failed: 0, skipped: 0, ...over,
});

describe('renderTable', () => {
  test('pads columns, right-aligns on request, cuts long cells, flattens whitespace', () => {
    const text = renderTable([{ a: 'x', n: 5, t: 'line one\nline two' }, { a: 'longer', n: 12345, t: 'y'.repeat(20) }], [
      { header: 'name', value: (r) => r.a },
      { header: 'n', value: (r) => r.n, align: 'right' },
      { header: 'text', value: (r) => r.t, maxWidth: 10 },
    ]);
    assert.equal(text, ['NAME        N  TEXT', 'x           5  line one…', 'longer  12345  yyyyyyyyy…'].join('\n'));
  });
});

describe('format', () => {
  test('durations and ages', () => {
    assert.equal(formatDuration(59.4), '59s');
    assert.equal(formatDuration(3599), '59m59s');
    assert.equal(formatDuration(7260), '2h01m');
    assert.equal(formatDuration(90000), '1d01h');
    assert.equal(formatDuration(null), '-');
    assert.equal(formatAgo('2026-01-01T00:00:00Z', Date.parse('2026-01-01T00:01:05Z')), '1m05s ago');
  });
});

describe('progress', () => {
  test('the rate is measured over a sliding window of samples', () => {
    let now = 0;
    const rates = rateTracker(() => now);
    assert.equal(rates.add(0), undefined);
    now = 10_000;
    assert.equal(rates.add(1000), 100);
    now = 40_000;
    // The first sample (t=0) falls out of the 30 s window: 2000 rows in the last 30 s.
    assert.equal(rates.add(3000), (3000 - 1000) / 30);
  });

  test('rows, rate and ETA from the total; no ETA without one', () => {
    const line = progressLine(progress({ read: 2500, created: 2000, unchanged: 500 }), 250, 10_000);
    assert.deepEqual(line, { rows: '2,500/10,000', rate: '250/s', remaining: '30s', where: 'usmf pass 1', counts: 'created 2,000 updated 0 unchanged 500 failed 0' });
    assert.equal(progressLine(progress({ read: 10 }), 5, undefined).remaining, '-');
    assert.equal(progressLine(progress({ read: 10 }), undefined, 100).rate, '-');
  });

  test('on a non-terminal stream the bar prints plain lines with the numbers', () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    const bar = initialSyncProgressBar({ map: 'customers', total: 100, stream: out as unknown as NodeJS.WriteStream });
    bar.update(progress({ read: 40, created: 40 }));
    bar.update(progress({ read: 100, created: 100, done: true }));
    bar.stop();
    assert.match(text, /customers \[[█░]+\] 100% \| 100\/100 rows \| .* \| ETA 0s \| usmf pass 1 \| created 100 updated 0 unchanged 0 failed 0/);
  });
});
