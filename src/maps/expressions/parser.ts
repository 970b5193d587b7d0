import { FUNCTIONS } from './functions';
import { ExpressionSyntaxError, tokenize, type Token } from './tokenizer';

/**
 * Grammar (no operators on purpose: every step is a named function, so a map reads plainly):
 *   expr    := call | literal | column
 *   call    := IDENT '(' [expr (',' expr)*] ')'
 *   literal := 'text' | number | true | false | null
 *   column  := IDENT            (a column of the source row)
 */
export type Expr =
  | { kind: 'literal'; value: string | number | boolean | null; pos: number }
  | { kind: 'column'; name: string; pos: number }
  | { kind: 'call'; fn: string; args: Expr[]; pos: number };

const KEYWORDS: Record<string, boolean | null> = { true: true, false: false, null: null };

export function parseExpression(source: string): Expr {
  const tokens = tokenize(source);
  let index = 0;
  const peek = (): Token => tokens[index] as Token;
  const next = (): Token => tokens[index++] as Token;

  function expectPunct(value: '(' | ')' | ',', context: string): void {
    const t = next();
    if (t.kind !== 'punct' || t.value !== value) {
      throw new ExpressionSyntaxError(`expected '${value}' ${context}, found ${show(t)}`, t.pos);
    }
  }

  function parseExpr(): Expr {
    const t = next();
    if (t.kind === 'string' || t.kind === 'number') return { kind: 'literal', value: t.value, pos: t.pos };
    if (t.kind !== 'ident') throw new ExpressionSyntaxError(`expected a value, a column or a function call, found ${show(t)}`, t.pos);
    const after = peek();
    if (after.kind === 'punct' && after.value === '(') {
      const spec = Object.hasOwn(FUNCTIONS, t.value) ? FUNCTIONS[t.value] : undefined;
      if (!spec) {
        throw new ExpressionSyntaxError(
          `unknown function '${t.value}' (known: ${Object.keys(FUNCTIONS).join(', ')})`,
          t.pos,
        );
      }
      next();
      const args: Expr[] = [];
      const close = peek();
      if (!(close.kind === 'punct' && close.value === ')')) {
        args.push(parseExpr());
        while (peek().kind === 'punct' && (peek() as { value: string }).value === ',') {
          next();
          args.push(parseExpr());
        }
      }
      expectPunct(')', `to close ${t.value}(`);
      if (args.length < spec.minArgs || args.length > spec.maxArgs) {
        throw new ExpressionSyntaxError(`${t.value} takes ${arity(spec.minArgs, spec.maxArgs)}, got ${args.length}: ${spec.signature}`, t.pos);
      }
      return { kind: 'call', fn: t.value, args, pos: t.pos };
    }
    if (Object.hasOwn(KEYWORDS, t.value)) return { kind: 'literal', value: KEYWORDS[t.value] ?? null, pos: t.pos };
    return { kind: 'column', name: t.value, pos: t.pos };
  }

  const expr = parseExpr();
  const rest = peek();
  if (rest.kind !== 'end') throw new ExpressionSyntaxError(`unexpected ${show(rest)} after the end of the expression`, rest.pos);
  return expr;
}

function arity(min: number, max: number): string {
  if (min === max) return `${min} argument${min === 1 ? '' : 's'}`;
  return max >= 50 ? `at least ${min} argument${min === 1 ? '' : 's'}` : `${min} to ${max} arguments`;
}

function show(t: Token): string {
  switch (t.kind) {
    case 'end':
      return 'the end of the expression';
    case 'string':
      return `'${t.value}'`;
    default:
      return `'${String(t.value)}'`;
  }
}

/** Columns an expression reads, for validation against the source schema. */
export function referencedColumns(expr: Expr): string[] {
  const out = new Set<string>();
  const walk = (e: Expr): void => {
    if (e.kind === 'column') out.add(e.name);
    else if (e.kind === 'call') e.args.forEach(walk);
  };
  walk(expr);
  return [...out];
}
