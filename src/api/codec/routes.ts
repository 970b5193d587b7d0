import type { PayloadCodec } from '@temporalio/common';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { roleAllows, type Caller } from '../auth/roles';
import type { TokenStore } from '../auth/tokens';
import { ApiError, errorResponse } from '../errors';
import { payloadsFromJson, payloadsToJson } from './payloads-json';

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** The API's tokens: an operator or admin token may encode and decode. */
  tokens?: TokenStore;
  /** Browser origins allowed to call (the Temporal UI's, e.g. http://localhost:8233). */
  allowedOrigins: string[];
  /**
   * Accept callers without a token. Only for the local stack, where the dev server's UI has no
   * login to take a token from and the key sits in .data/ readable by the same user anyway.
   */
  allowAnonymous?: boolean;
}

const MAX_BODY_BYTES = 8 << 20;
const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * The codec server of the Temporal UI and CLI (`--ui-codec-endpoint <api>/codec`,
 * `temporal ... --codec-endpoint <api>/codec --codec-auth "Bearer <token>"`): POST .../decode
 * and .../encode. As the protocol asks, only the last path segment selects the operation, so
 * `/codec/<namespace>/decode` works too.
 */
export function codecRoutes(opts: CodecServerOptions): Hono {
  const app = new Hono();
  const origins = new Set(opts.allowedOrigins.map((o) => o.replace(/\/+$/, '')));
  app.use(
    '*',
    cors({
      origin: (origin) => (origins.has(origin) ? origin : null),
      allowMethods: ['POST', 'OPTIONS'],
      // The UI sends X-Namespace always and Authorization when it passes the user's access token.
      allowHeaders: ['Content-Type', 'Authorization', 'X-Namespace'],
      credentials: true,
      maxAge: 600,
    }),
    bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => errorResponse(c, new ApiError(413, 'body-too-large', `the request body exceeds ${MAX_BODY_BYTES} bytes`)) }),
  );
  app.post('*', async (c) => {
    try {
      const operation = c.req.path.replace(/\/+$/, '').split('/').pop();
      if (operation !== 'decode' && operation !== 'encode') throw new ApiError(404, 'not-found', `no codec operation ${c.req.path}: POST .../decode or .../encode`);
      authorize(c, opts);
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        throw new ApiError(400, 'invalid-json', 'the body is not JSON: expected {"payloads": [...]}');
      }
      const payloads = payloadsFromJson(body);
      let result;
      try {
        result = operation === 'decode' ? await opts.codec.decode(payloads) : await opts.codec.encode(payloads);
      } catch (err) {
        // Codec messages name key ids and never key material.
        throw new ApiError(400, `${operation}-failed`, `cannot ${operation} the payloads: ${(err as Error).message}`);
      }
      return c.json(payloadsToJson(result));
    } catch (err) {
      return errorResponse(c, err);
    }
  });
  return app;
}

function authorize(c: Context, opts: CodecServerOptions): Caller | undefined {
  const header = c.req.header('authorization');
  if (!header && opts.allowAnonymous) return undefined;
  if (!opts.tokens) throw new ApiError(401, 'unauthenticated', 'the codec endpoint needs an operator or admin API token, and no API tokens are configured (DUALWRITE_API_TOKENS)');
  if (!header) {
    c.header('WWW-Authenticate', 'Bearer realm="dualwrite"');
    throw new ApiError(401, 'unauthenticated', 'the codec endpoint needs an operator or admin token: send "Authorization: Bearer <token>" (Temporal CLI: --codec-auth "Bearer <token>")');
  }
  const token = BEARER.exec(header)?.[1];
  const caller = token === undefined ? undefined : opts.tokens.verify(token);
  if (!caller) {
    c.header('WWW-Authenticate', 'Bearer realm="dualwrite", error="invalid_token"');
    throw new ApiError(401, 'invalid-token', token === undefined ? 'the Authorization header is not of the form "Bearer <token>"' : 'the bearer token is not one of the configured API tokens');
  }
  if (!roleAllows(caller.role, 'operator')) throw new ApiError(403, 'forbidden', `role ${caller.role} may not decode payloads: the codec endpoint needs operator or admin`);
  return caller;
}
