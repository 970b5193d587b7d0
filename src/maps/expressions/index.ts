import { evaluate } from './evaluator';
import { ExpressionEvaluationError } from './functions';
import { parseExpression, referencedColumns, type Expr } from './parser';
import { ExpressionSyntaxError } from './tokenizer';

export { evaluate, parseExpression, referencedColumns, ExpressionEvaluationError, ExpressionSyntaxError };
export type { Expr };
export { FUNCTIONS } from './functions';

const cache = new Map<string, Expr>();

/** Parses once per distinct source text; expressions are reused for every record of a map. */
export function compileExpression(source: string): Expr {
  let expr = cache.get(source);
  if (!expr) {
    expr = parseExpression(source);
    if (cache.size > 10_000) cache.clear();
    cache.set(source, expr);
  }
  return expr;
}

export type EvaluationResult = { ok: true; value: unknown } | { ok: false; message: string };

/** Parses (cached) and evaluates, returning a result instead of throwing. */
export function evaluateExpression(source: string, row: Readonly<Record<string, unknown>>): EvaluationResult {
  try {
    return { ok: true, value: evaluate(compileExpression(source), row) };
  } catch (err) {
    if (err instanceof ExpressionSyntaxError) return { ok: false, message: `${err.message} at character ${err.position + 1}` };
    if (err instanceof ExpressionEvaluationError) return { ok: false, message: err.message };
    throw err;
  }
}
