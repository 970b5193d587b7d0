/**
 * An Entra-style OAuth 2.0 client-credentials token endpoint and a bearer-check middleware,
 * shared by both sandboxes. Wire shapes follow the Entra v2 docs: a form-encoded POST to
 * `/{tenant}/oauth2/v2.0/token` answering `{token_type, expires_in, access_token}`, or an error
 * `{error, error_description, error_codes, timestamp, trace_id, correlation_id}`.
 *
 * Tokens are JWT-shaped (header.payload.signature, HMAC-SHA256 with a per-issuer secret) so they
 * look like the real thing to clients and can be checked without server-side state.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Context, Hono, MiddlewareHandler } from 'hono';

export interface ClientCredential {
  clientId: string;
  clientSecret: string;
}

export interface TokenIssuerOptions {
  /** Registered applications. Default: one client `dualwrite-sandbox` / `sandbox-secret`. */
  clients?: ClientCredential[];
  /** Seconds a token stays valid; Entra answers 3599 for a one-hour token. */
  tokenLifetimeSeconds?: number;
  /** Accept only this tenant in the token URL; undefined accepts any tenant (id or domain). */
  tenant?: string;
  /** Clock, for tests that need tokens to expire. */
  now?: () => number;
  /** Signing secret; random per process unless given (give one to keep tokens valid across restarts). */
  signingSecret?: string;
}

export const DEFAULT_SANDBOX_CLIENT: ClientCredential = { clientId: 'dualwrite-sandbox', clientSecret: 'sandbox-secret' };

export type TokenRejection = 'missing' | 'malformed' | 'invalid' | 'expired';

export type TokenCheck = { ok: true; clientId: string; expiresAt: number } | { ok: false; reason: TokenRejection };

interface EntraError {
  status: number;
  error: string;
  code: number;
  description: string;
}

function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString('base64url');
}

export class TokenIssuer {
  private readonly clients: Map<string, string>;
  private readonly lifetimeSeconds: number;
  private readonly secret: Buffer;
  readonly tenant: string | undefined;
  private readonly now: () => number;
  /** Tokens whose signature was already checked ($batch parts repeat the same one). */
  private readonly verified = new Map<string, { clientId: string; expiresAt: number }>();

  constructor(options: TokenIssuerOptions = {}) {
    const clients = options.clients ?? [DEFAULT_SANDBOX_CLIENT];
    this.clients = new Map(clients.map((c) => [c.clientId, c.clientSecret]));
    this.lifetimeSeconds = options.tokenLifetimeSeconds ?? 3599;
    if (!Number.isFinite(this.lifetimeSeconds) || this.lifetimeSeconds <= 0) {
      throw new Error(`tokenLifetimeSeconds must be a positive number of seconds, got ${String(options.tokenLifetimeSeconds)}`);
    }
    this.secret = options.signingSecret ? Buffer.from(options.signingSecret) : randomBytes(32);
    this.tenant = options.tenant;
    this.now = options.now ?? Date.now;
  }

  addClient(client: ClientCredential): void {
    this.clients.set(client.clientId, client.clientSecret);
  }

  /** Issues a token for a known client; throws on unknown clients (use the HTTP endpoint for wire errors). */
  issue(clientId: string, scope = ''): { access_token: string; expires_in: number; token_type: 'Bearer' } {
    if (!this.clients.has(clientId)) throw new Error(`unknown client_id ${JSON.stringify(clientId)}`);
    const iat = Math.floor(this.now() / 1000);
    const header = base64url(JSON.stringify({ typ: 'JWT', alg: 'HS256' }));
    const payload = base64url(
      JSON.stringify({ aud: scope.replace(/\/\.default$/, ''), iss: `https://sts.sandbox.local/${this.tenant ?? 'common'}/`, iat, nbf: iat, exp: iat + this.lifetimeSeconds, appid: clientId, oid: clientId, jti: randomUUID() }),
    );
    const signature = createHmac('sha256', this.secret).update(`${header}.${payload}`).digest('base64url');
    return { token_type: 'Bearer', expires_in: this.lifetimeSeconds, access_token: `${header}.${payload}.${signature}` };
  }

  verify(authorization: string | undefined | null): TokenCheck {
    if (!authorization) return { ok: false, reason: 'missing' };
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match?.[1]) return { ok: false, reason: 'malformed' };
    const cached = this.verified.get(match[1]);
    if (cached) return cached.expiresAt <= this.now() ? { ok: false, reason: 'expired' } : { ok: true, ...cached };
    const parts = match[1].split('.');
    if (parts.length !== 3) return { ok: false, reason: 'malformed' };
    const [header, payload, signature] = parts as [string, string, string];
    const expected = createHmac('sha256', this.secret).update(`${header}.${payload}`).digest();
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'invalid' };
    let claims: { exp?: unknown; appid?: unknown };
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    if (typeof claims.exp !== 'number' || typeof claims.appid !== 'string') return { ok: false, reason: 'malformed' };
    if (claims.exp * 1000 <= this.now()) return { ok: false, reason: 'expired' };
    if (this.verified.size >= 1000) this.verified.clear();
    this.verified.set(match[1], { clientId: claims.appid, expiresAt: claims.exp * 1000 });
    return { ok: true, clientId: claims.appid, expiresAt: claims.exp * 1000 };
  }

  /** Handles the form-encoded token request; returns the status and JSON body to send. */
  handleTokenRequest(tenant: string, form: URLSearchParams, basicAuth?: string | null): { status: number; body: unknown } {
    const fail = (e: EntraError) => ({ status: e.status, body: this.errorBody(e) });
    if (this.tenant !== undefined && tenant !== this.tenant) {
      return fail({ status: 400, error: 'invalid_request', code: 90002, description: `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.` });
    }
    let clientId = form.get('client_id');
    let clientSecret = form.get('client_secret');
    // RFC 6749 Basic credentials are accepted as an alternative to form fields.
    if (basicAuth && /^Basic\s+/i.test(basicAuth)) {
      const decoded = Buffer.from(basicAuth.replace(/^Basic\s+/i, ''), 'base64').toString('utf8');
      const sep = decoded.indexOf(':');
      if (sep > 0) {
        clientId = decodeURIComponent(decoded.slice(0, sep));
        clientSecret = decodeURIComponent(decoded.slice(sep + 1));
      }
    }
    const grantType = form.get('grant_type');
    if (!grantType) return fail({ status: 400, error: 'invalid_request', code: 900144, description: "The request body must contain the following parameter: 'grant_type'." });
    if (grantType !== 'client_credentials') {
      return fail({ status: 400, error: 'unsupported_grant_type', code: 70003, description: `The app requested an unsupported grant type '${grantType}'. This sandbox supports only 'client_credentials'.` });
    }
    if (!clientId) return fail({ status: 400, error: 'invalid_request', code: 900144, description: "The request body must contain the following parameter: 'client_id'." });
    const scope = form.get('scope');
    if (!scope) return fail({ status: 400, error: 'invalid_request', code: 900144, description: "The request body must contain the following parameter: 'scope'." });
    if (!/\/\.default$/.test(scope)) {
      return fail({ status: 400, error: 'invalid_scope', code: 70011, description: `The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid. A client-credentials scope must end in '/.default'.` });
    }
    const known = this.clients.get(clientId);
    if (known === undefined) {
      return fail({ status: 400, error: 'unauthorized_client', code: 700016, description: `Application with identifier '${clientId}' was not found in the directory '${tenant}'.` });
    }
    if (!clientSecret) {
      return fail({ status: 401, error: 'invalid_client', code: 7000218, description: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'." });
    }
    if (clientSecret !== known) {
      return fail({ status: 401, error: 'invalid_client', code: 7000215, description: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.` });
    }
    return { status: 200, body: this.issue(clientId, scope) };
  }

  private errorBody(e: EntraError): Record<string, unknown> {
    const traceId = randomUUID();
    const correlationId = randomUUID();
    const timestamp = new Date(this.now()).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
    return {
      error: e.error,
      error_description: `AADSTS${e.code}: ${e.description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
      error_codes: [e.code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
    };
  }
}

/** Path both sandboxes serve the token endpoint at (the tenant is the path parameter). */
export const TOKEN_ROUTE = '/token/:tenant/oauth2/v2.0/token';

/** Mounts `POST /token/{tenant}/oauth2/v2.0/token` on the app. */
export function mountTokenEndpoint(app: Hono, issuer: TokenIssuer, route: string = TOKEN_ROUTE): void {
  app.post(route, async (c) => {
    const contentType = c.req.header('content-type') ?? '';
    if (!contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
      const { body } = issuer.handleTokenRequest(c.req.param('tenant') ?? '', new URLSearchParams());
      (body as Record<string, unknown>).error_description = `AADSTS900144: The request body must be application/x-www-form-urlencoded (got '${contentType || 'no content type'}').`;
      return c.json(body, 400);
    }
    const form = new URLSearchParams(await c.req.text());
    const { status, body } = issuer.handleTokenRequest(c.req.param('tenant') ?? '', form, c.req.header('authorization'));
    c.header('Cache-Control', 'no-store, no-cache');
    return c.json(body, status as 200);
  });
}

/** Builds the service-specific 401 response (each sandbox has its own error shape). */
export type UnauthorizedResponder = (c: Context, reason: TokenRejection) => Response;

/** Rejects requests without a valid, unexpired bearer token. */
export function bearerAuth(issuer: TokenIssuer, unauthorized: UnauthorizedResponder): MiddlewareHandler {
  return async (c, next) => {
    const check = issuer.verify(c.req.header('authorization'));
    if (!check.ok) {
      const res = unauthorized(c, check.reason);
      const realm = check.reason === 'missing' ? 'Bearer' : `Bearer error="invalid_token", error_description="${describeRejection(check.reason).replace(/"/g, "'")}"`;
      res.headers.set('WWW-Authenticate', realm);
      return res;
    }
    await next();
  };
}

export function describeRejection(reason: TokenRejection): string {
  switch (reason) {
    case 'missing':
      return 'No Authorization header: send "Authorization: Bearer <token>" with a token from the sandbox token endpoint.';
    case 'malformed':
      return 'The Authorization header is not "Bearer <token>" with a JWT-shaped token.';
    case 'invalid':
      return 'The bearer token signature is not valid for this sandbox (issued by another server or tampered with).';
    case 'expired':
      return 'The bearer token has expired: request a new one from the token endpoint.';
  }
}
