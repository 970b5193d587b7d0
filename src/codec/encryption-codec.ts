import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { CodecKeyError, type CodecKeyring } from './keys';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const ProtoPayload = temporal.api.common.v1.Payload;
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/** A payload that could not be decrypted: unknown key id, or a ciphertext that fails authentication. */
export class PayloadDecryptionError extends Error {}

/**
 * Encrypts every payload with AES-256-GCM under the keyring's primary key. The whole original
 * payload (metadata and data) is serialized as protobuf and encrypted, so its encoding (json/plain,
 * binary/null, ...) is hidden too; the outer payload carries only `encoding: binary/encrypted` and
 * the key id. The key id is authenticated as associated data, so relabelling a ciphertext with
 * another id fails instead of decrypting under the wrong key.
 *
 * Decoding leaves payloads that are not encrypted as they are: histories written before
 * encryption was switched on stay readable.
 */
export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keys: CodecKeyring) {}

  get keyId(): string {
    return this.keys.primary.id;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.encryptOne(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.decryptOne(payload));
  }

  private encryptOne(payload: Payload): Payload {
    const { id, key } = this.keys.primary;
    const plain = ProtoPayload.encode(payload).finish();
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(utf8.encode(id));
    const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return { metadata: { encoding: utf8.encode(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8.encode(id) }, data: sealed };
  }

  private decryptOne(payload: Payload): Payload {
    const encoding = payload.metadata?.encoding;
    if (!encoding || fromUtf8.decode(encoding) !== ENCRYPTED_ENCODING) return payload;
    const idBytes = payload.metadata?.[KEY_ID_METADATA];
    if (!idBytes) throw new PayloadDecryptionError(`an encrypted payload has no "${KEY_ID_METADATA}" metadata: it was not written by this codec`);
    const id = fromUtf8.decode(idBytes);
    const key = this.keys.byId.get(id);
    if (!key) {
      throw new PayloadDecryptionError(
        `a payload is encrypted with key id "${id}", which is not among the configured keys (${[...this.keys.byId.keys()].join(', ')}): add that key to DUALWRITE_CODEC_KEYS (after the current one) to read it`,
      );
    }
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadDecryptionError(`an encrypted payload (key id "${id}") is ${data.length} bytes, too short to hold a ciphertext`);
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
    decipher.setAAD(utf8.encode(id));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadDecryptionError(`a payload encrypted with key id "${id}" failed authentication: it was altered, or the key with that id is not the one that encrypted it`);
    }
    const inner = ProtoPayload.decode(plain);
    return { metadata: inner.metadata ?? {}, data: inner.data ?? new Uint8Array() };
  }
}

export { CodecKeyError };
