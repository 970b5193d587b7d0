import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LOCALES, SeededRandom } from './seed-random';

describe('seeded random data', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const c = new SeededRandom(43);
    const seqA = Array.from({ length: 20 }, () => a.nextUint32());
    assert.deepEqual(seqA, Array.from({ length: 20 }, () => b.nextUint32()));
    assert.notDeepEqual(seqA, Array.from({ length: 20 }, () => c.nextUint32()));
    assert.deepEqual(new SeededRandom(1).fork('x').person('de-DE'), new SeededRandom(1).fork('x').person('de-DE'));
  });

  it('stays in range and yields GUIDs', () => {
    const r = new SeededRandom('range');
    for (let i = 0; i < 10_000; i++) {
      const n = r.int(3, 7);
      assert.ok(n >= 3 && n <= 7 && Number.isInteger(n));
      const x = r.next();
      assert.ok(x >= 0 && x < 1);
    }
    const amount = r.amount(10, 20);
    assert.ok(amount >= 10 && amount <= 20 && Number(amount.toFixed(2)) === amount);
    assert.match(r.guid(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('produces names, addresses, emails and phones in several scripts', () => {
    const r = new SeededRandom(7);
    for (const locale of LOCALES) {
      const p = r.person(locale);
      assert.ok(p.firstName && p.lastName && p.fullName.includes(p.lastName));
      assert.match(p.email, /^[a-z0-9.]+@[a-z0-9.-]+$/, `${locale}: ${p.email}`);
      assert.match(p.phone, /^\+\d+ /);
      const a = r.address(locale);
      assert.ok(a.line1 && a.city && a.postalCode && a.country && a.countryCode.length === 3);
      assert.ok(r.companyName(locale).length > 2);
    }
    assert.match(r.person('ja-JP').fullName, /[\u3040-\u30ff\u4e00-\u9fff]/);
    assert.match(r.person('ar-SA').fullName, /[\u0600-\u06ff]/);
    assert.match(r.companyEmail('Müller GmbH'), /^[a-z]+@muellergmbh\.example$/);
  });

  it('keeps generating valid values over a long run', () => {
    const r = new SeededRandom(1);
    let total = 0;
    for (let i = 0; i < 100_000; i++) {
      const loc = LOCALES[i % LOCALES.length] ?? 'en-US';
      total += r.person(loc).email.length + r.address(loc).line1.length;
    }
    assert.ok(total > 100_000 * 10);
  });
});
