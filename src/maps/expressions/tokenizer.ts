/** Tokens of the map expression language: identifiers, literals, parentheses and commas. */
export type Token =
  | { kind: 'ident'; value: string; pos: number }
  | { kind: 'string'; value: string; pos: number }
  | { kind: 'number'; value: number; pos: number }
  | { kind: 'punct'; value: '(' | ')' | ','; pos: number }
  | { kind: 'end'; pos: number };

export class ExpressionSyntaxError extends Error {
  constructor(
    message: string,
    /** 0-based character offset in the expression. */
    readonly position: number,
  ) {
    super(message);
    this.name = 'ExpressionSyntaxError';
  }
}

const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_]/;

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i] as string;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ kind: 'punct', value: ch, pos: i });
      i++;
    } else if (ch === "'") {
      // Strings use single quotes; a doubled quote is a literal quote, as in OData.
      const start = i;
      let value = '';
      i++;
      for (;;) {
        if (i >= source.length) throw new ExpressionSyntaxError('unterminated string literal', start);
        const c = source[i] as string;
        if (c === "'") {
          if (source[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += c;
        i++;
      }
      tokens.push({ kind: 'string', value, pos: start });
    } else if (/[0-9]/.test(ch) || (ch === '-' && /[0-9.]/.test(source[i + 1] ?? ''))) {
      const match = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(source.slice(i));
      if (!match) throw new ExpressionSyntaxError(`invalid number`, i);
      tokens.push({ kind: 'number', value: Number(match[0]), pos: i });
      i += match[0].length;
    } else if (IDENT_START.test(ch)) {
      const start = i;
      while (i < source.length && IDENT_PART.test(source[i] as string)) i++;
      tokens.push({ kind: 'ident', value: source.slice(start, i), pos: start });
    } else if (ch === '"') {
      throw new ExpressionSyntaxError(`strings use single quotes ('text'), not double quotes`, i);
    } else {
      throw new ExpressionSyntaxError(`unexpected character '${ch}'`, i);
    }
  }
  tokens.push({ kind: 'end', pos: source.length });
  return tokens;
}
