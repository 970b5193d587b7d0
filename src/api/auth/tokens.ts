import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ROLES, type Caller } from './roles';

/**
 * Bearer tokens of the API. Only SHA-256 digests of the tokens are kept in memory, so a heap
 * dump or a log of this object reveals no usable token.
 */
export interface TokenStore {
  /** The caller a presented token belongs to, or undefined. Takes the same time whichever token matches. */
  verify(presented: string): Caller | undefined;
  readonly size: number;
}

export class TokenConfigError extends Error {}

const MIN_TOKEN_LENGTH = 16;

const TokenFileSchema = z.record(
  z.string(),
  z.strictObject({
    name: z.string().trim().min(1, 'the caller name recorded on every action'),
    role: z.enum(ROLES),
  }),
);

/** token -> { name, role }: the form of DUALWRITE_API_TOKENS and of the tokens file. */
export type TokenConfig = z.input<typeof TokenFileSchema>;

const digest = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

export function createTokenStore(config: TokenConfig, source = 'token configuration'): TokenStore {
  const parsed = TokenFileSchema.safeParse(config);
  const keys = config && typeof config === 'object' ? Object.keys(config) : [];
  const weak = keys.map((k, i) => (k.length < MIN_TOKEN_LENGTH ? i + 1 : 0)).filter((n) => n > 0);
  if (weak.length) {
    throw new TokenConfigError(`invalid ${source}: token #${weak.join(', #')} is shorter than ${MIN_TOKEN_LENGTH} characters; use long random tokens, e.g. \`openssl rand -hex 32\``);
  }
  if (!parsed.success) {
    // Paths name the token itself; print only its position so a secret never reaches a log.
    const lines = parsed.error.issues.map((i) => {
      const [first, ...rest] = i.path;
      const where = typeof first === 'string' && keys.includes(first) ? `token #${keys.indexOf(first) + 1}${rest.length ? `.${rest.join('.')}` : ''}` : i.path.join('.') || '(root)';
      return `  ${where}: ${i.message}`;
    });
    throw new TokenConfigError(`invalid ${source}: expected {"<token>": {"name": "...", "role": "viewer|operator|admin"}}\n${lines.join('\n')}`);
  }
  const entries = Object.entries(parsed.data).map(([token, caller]) => ({ hash: digest(token), caller: { ...caller } }));
  return {
    size: entries.length,
    verify(presented: string): Caller | undefined {
      const candidate = digest(presented);
      let match: Caller | undefined;
      // Compare against every entry without stopping early: the time taken does not tell which entry matched.
      for (const entry of entries) {
        if (timingSafeEqual(entry.hash, candidate)) match = entry.caller;
      }
      return match;
    },
  };
}

/**
 * Tokens from the environment: DUALWRITE_API_TOKENS (JSON text) or DUALWRITE_API_TOKENS_FILE (a
 * JSON file of the same form). Both may be set; a token in both keeps the file's entry.
 */
export function tokensFromEnvironment(env: NodeJS.ProcessEnv = process.env): TokenStore {
  const merged: Record<string, unknown> = {};
  const sources: string[] = [];
  const inline = env.DUALWRITE_API_TOKENS?.trim();
  if (inline) {
    Object.assign(merged, parseJsonObject(inline, 'DUALWRITE_API_TOKENS'));
    sources.push('DUALWRITE_API_TOKENS');
  }
  const file = env.DUALWRITE_API_TOKENS_FILE?.trim();
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new TokenConfigError(`cannot read DUALWRITE_API_TOKENS_FILE ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    Object.assign(merged, parseJsonObject(text, `DUALWRITE_API_TOKENS_FILE (${file})`));
    sources.push(`DUALWRITE_API_TOKENS_FILE (${file})`);
  }
  if (sources.length === 0) {
    throw new TokenConfigError('no API tokens configured: set DUALWRITE_API_TOKENS to {"<token>": {"name": "alice", "role": "admin"}} or DUALWRITE_API_TOKENS_FILE to a JSON file of that form');
  }
  const store = createTokenStore(merged as TokenConfig, sources.join(' and '));
  if (store.size === 0) throw new TokenConfigError(`${sources.join(' and ')} holds no tokens: every API call would be refused`);
  return store;
}

function parseJsonObject(text: string, where: string): Record<string, unknown> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    // The parser's message may quote the text, i.e. a token: say only where and what was expected.
    throw new TokenConfigError(`${where} is not valid JSON: expected {"<token>": {"name": "...", "role": "viewer|operator|admin"}}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new TokenConfigError(`${where} must be a JSON object mapping each token to {"name", "role"}`);
  return data as Record<string, unknown>;
}
