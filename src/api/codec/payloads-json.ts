import type { Payload } from '@temporalio/common';
import { z } from 'zod';
import { ApiError } from '../errors';

/**
 * The remote-codec protocol's body: `{"payloads": [...]}` with each Payload in protobuf JSON
 * form, where bytes fields (data, and every metadata value) are base64 strings.
 */
const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'a base64 string');
const PayloadJson = z.object({ metadata: z.record(z.string(), base64).nullish(), data: base64.nullish() });
const PayloadsJson = z.object({ payloads: z.array(PayloadJson).max(10_000, 'at most 10,000 payloads a request') });

export type PayloadsBody = z.input<typeof PayloadsJson>;

const bytes = (b64: string): Uint8Array => new Uint8Array(Buffer.from(b64, b64.includes('-') || b64.includes('_') ? 'base64url' : 'base64'));

export function payloadsFromJson(body: unknown): Payload[] {
  const parsed = PayloadsJson.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
    throw new ApiError(400, 'invalid-payloads', `expected {"payloads": [{"metadata": {"<name>": "<base64>"}, "data": "<base64>"}]}: ${issues}`);
  }
  return parsed.data.payloads.map((p) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, bytes(v)])),
    data: bytes(p.data ?? ''),
  }));
}

export function payloadsToJson(payloads: Payload[]): PayloadsBody {
  return {
    payloads: payloads.map((p) => ({
      metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
      data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
    })),
  };
}
