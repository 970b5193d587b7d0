import { ExpressionEvaluationError, FUNCTIONS } from './functions';
import type { Expr } from './parser';

/** Evaluates a parsed expression against one source row. Throws ExpressionEvaluationError on bad input. */
export function evaluate(expr: Expr, row: Readonly<Record<string, unknown>>): unknown {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'column':
      // Own properties only: a column named `constructor` must not reach Object.prototype.
      return Object.prototype.hasOwnProperty.call(row, expr.name) ? row[expr.name] : null;
    case 'call': {
      const spec = Object.hasOwn(FUNCTIONS, expr.fn) ? FUNCTIONS[expr.fn] : undefined;
      if (!spec) throw new ExpressionEvaluationError(`unknown function '${expr.fn}'`);
      return spec.apply(expr.args.map((a) => evaluate(a, row)));
    }
  }
}
