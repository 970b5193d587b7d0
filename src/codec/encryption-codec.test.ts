import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { EncryptionCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA, PayloadDecryptionError } from './encryption-codec';
import { parseCodecKeys } from './keys';

const key = () => randomBytes(32).toString('base64');
const K1 = key();
const K2 = key();
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? new Uint8Array()).toString('utf8');
const value = { email: 'alice.secret@example.com', n: 42, nested: [null, true] };

test('round trip: metadata and data come back, nothing readable in between', async () => {
  const codec = new EncryptionCodec(parseCodecKeys(`k1:${K1}`, 'test'));
  const plain = [defaultPayloadConverter.toPayload(value), defaultPayloadConverter.toPayload(undefined), defaultPayloadConverter.toPayload(new Uint8Array([1, 2, 3]))];
  const sealed = await codec.encode(plain);
  for (const p of sealed) {
    assert.equal(text(p.metadata?.encoding), ENCRYPTED_ENCODING);
    assert.equal(text(p.metadata?.[KEY_ID_METADATA]), 'k1');
    assert.ok(!text(p.data).includes('alice.secret'), 'the value is not in the ciphertext');
    assert.ok(!text(p.data).includes('json/plain'), 'the inner encoding is hidden too');
  }
  const opened = await codec.decode(sealed);
  assert.deepEqual(defaultPayloadConverter.fromPayload(opened[0]!), value);
  assert.equal(defaultPayloadConverter.fromPayload(opened[1]!), undefined);
  assert.deepEqual([...(defaultPayloadConverter.fromPayload(opened[2]!) as Uint8Array)], [1, 2, 3]);
  // A fresh IV each time: equal values do not give equal ciphertexts.
  const again = await codec.encode([plain[0]!]);
  assert.notDeepEqual(again[0]!.data, sealed[0]!.data);
});

test('plain payloads (written before encryption was on) pass through decode', async () => {
  const codec = new EncryptionCodec(parseCodecKeys(`k1:${K1}`, 'test'));
  const plain = defaultPayloadConverter.toPayload(value);
  assert.deepEqual(await codec.decode([plain]), [plain]);
});

test('key rotation: old payloads still decrypt, new ones use the new key', async () => {
  const before = new EncryptionCodec(parseCodecKeys(`k1:${K1}`, 'test'));
  const old = await before.encode([defaultPayloadConverter.toPayload(value)]);
  const rotated = new EncryptionCodec(parseCodecKeys(`k2:${K2},k1:${K1}`, 'test'));
  assert.deepEqual(defaultPayloadConverter.fromPayload((await rotated.decode(old))[0]!), value);
  const fresh = await rotated.encode([defaultPayloadConverter.toPayload(value)]);
  assert.equal(text(fresh[0]!.metadata?.[KEY_ID_METADATA]), 'k2');
  // Once k1 is retired, its payloads fail with a message naming the missing id.
  const retired = new EncryptionCodec(parseCodecKeys(`k2:${K2}`, 'test'));
  await assert.rejects(retired.decode(old), (err: Error) => err instanceof PayloadDecryptionError && /key id "k1", which is not among the configured keys \(k2\)/.test(err.message) && !err.message.includes(K2));
});

test('a tampered ciphertext, a relabelled key id or a wrong key is rejected', async () => {
  const codec = new EncryptionCodec(parseCodecKeys(`k1:${K1},k2:${K2}`, 'test'));
  const [sealed] = await codec.encode([defaultPayloadConverter.toPayload(value)]);
  const flipped: Payload = { ...sealed!, data: Buffer.from(sealed!.data!) };
  flipped.data![20]! ^= 0x01;
  await assert.rejects(codec.decode([flipped]), (err: Error) => err instanceof PayloadDecryptionError && /failed authentication/.test(err.message));
  const relabelled: Payload = { ...sealed!, metadata: { ...sealed!.metadata, [KEY_ID_METADATA]: new TextEncoder().encode('k2') } };
  await assert.rejects(codec.decode([relabelled]), /failed authentication/);
  const sameIdOtherKey = new EncryptionCodec(parseCodecKeys(`k1:${K2}`, 'test'));
  await assert.rejects(sameIdOtherKey.decode([sealed!]), /failed authentication/);
  const truncated: Payload = { ...sealed!, data: sealed!.data!.subarray(0, 10) };
  await assert.rejects(codec.decode([truncated]), /too short/);
  const noId: Payload = { ...sealed!, metadata: { encoding: sealed!.metadata!.encoding! } };
  await assert.rejects(codec.decode([noId]), /no "encryption-key-id" metadata/);
});
