import type { MiddlewareHandler } from 'hono';
import { ApiError, errorResponse } from '../errors';
import type { Caller } from './roles';
import type { TokenStore } from './tokens';

export interface AuthEnv {
  Variables: { caller: Caller };
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** Requires `Authorization: Bearer <token>` naming a configured token; sets `caller`. */
export function bearerAuth(tokens: TokenStore): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (!header) {
      c.header('WWW-Authenticate', 'Bearer realm="dualwrite"');
      return errorResponse(c, new ApiError(401, 'unauthenticated', 'this route needs a bearer token: send "Authorization: Bearer <token>"'));
    }
    const token = BEARER.exec(header)?.[1];
    const caller = token === undefined ? undefined : tokens.verify(token);
    if (!caller) {
      c.header('WWW-Authenticate', 'Bearer realm="dualwrite", error="invalid_token"');
      return errorResponse(c, new ApiError(401, 'invalid-token', token === undefined ? 'the Authorization header is not of the form "Bearer <token>"' : 'the bearer token is not one of the configured API tokens'));
    }
    c.set('caller', caller);
    await next();
  };
}
