import { ODataQueryError, parseFilter as parseODataFilter, type FilterExpr } from '../sandbox/shared/odata-filter';

/**
 * Map filters use the same OData $filter grammar as the sandboxes: the parser is the sandbox's
 * (src/sandbox/shared/odata-filter.ts, which also compiles filters to SQL). This module adds
 * what maps need on top of its AST: evaluation of a filter on a row in memory (for pushed
 * changes), canonical $filter text, and the columns a filter reads. Pure: no I/O.
 */
export type FilterNode = FilterExpr;

export class FilterSyntaxError extends Error {
  constructor(
    message: string,
    /** 0-based character offset in the filter. */
    readonly position: number,
  ) {
    super(message);
    this.name = 'FilterSyntaxError';
  }
}

/** Parses a $filter; throws FilterSyntaxError (message without the echoed filter, plus position). */
export function parseFilter(source: string): FilterNode {
  try {
    return parseODataFilter(source);
  } catch (e) {
    if (!(e instanceof ODataQueryError)) throw e;
    const match = /at position (\d+): (.*?)\. \$filter: /s.exec(e.message);
    throw new FilterSyntaxError(match?.[2] ?? e.message, match ? Number(match[1]) - 1 : 0);
  }
}

const PRECEDENCE: Record<string, number> = { or: 1, and: 2 };

/** Canonical $filter text: minimal parentheses, single spaces, literals in OData form. */
export function renderFilterNode(node: FilterNode): string {
  const prec = (n: FilterNode): number => (n.kind === 'logical' ? (PRECEDENCE[n.op] ?? 3) : 3);
  const wrap = (n: FilterNode, min: number): string => (prec(n) < min ? `(${renderFilterNode(n)})` : renderFilterNode(n));
  switch (node.kind) {
    case 'logical': {
      const p = PRECEDENCE[node.op] ?? 3;
      return `${wrap(node.left, p)} ${node.op} ${wrap(node.right, p + 1)}`;
    }
    case 'not':
      return `not ${node.operand.kind === 'logical' || node.operand.kind === 'compare' || node.operand.kind === 'not' ? `(${renderFilterNode(node.operand)})` : renderFilterNode(node.operand)}`;
    case 'compare':
      return `${wrap(node.left, 3)} ${node.op} ${wrap(node.right, 3)}`;
    case 'call':
      return `${node.name}(${node.args.map(renderFilterNode).join(',')})`;
    case 'property':
      return node.name;
    case 'literal':
      return renderLiteral(node);
  }
}

function renderLiteral(node: Extract<FilterNode, { kind: 'literal' }>): string {
  const v = node.value;
  switch (node.literalType) {
    case 'string':
      return `'${String(v).replace(/'/g, "''")}'`;
    case 'enum':
      return `${node.enumType ?? ''}'${String(v).replace(/'/g, "''")}'`;
    case 'null':
      return 'null';
    default:
      return String(v);
  }
}

/** Columns a filter reads, for validation against the entity schema. */
export function filterColumns(node: FilterNode): string[] {
  const out = new Set<string>();
  const walk = (n: FilterNode): void => {
    switch (n.kind) {
      case 'logical':
      case 'compare':
        walk(n.left);
        walk(n.right);
        break;
      case 'not':
        walk(n.operand);
        break;
      case 'call':
        n.args.forEach(walk);
        break;
      case 'property':
        out.add(n.name);
        break;
      case 'literal':
        break;
    }
  };
  walk(node);
  return [...out];
}

/**
 * In-memory evaluation with the semantics of the services' SQL backends: text comparisons are
 * case-insensitive, null equals only null, and gt/ge/lt/le with null are false.
 */
export function evaluateFilter(node: FilterNode, row: Readonly<Record<string, unknown>>): boolean {
  return valueOf(node, row) === true;
}

function valueOf(node: FilterNode, row: Readonly<Record<string, unknown>>): unknown {
  switch (node.kind) {
    case 'logical':
      return node.op === 'and' ? evaluateFilter(node.left, row) && evaluateFilter(node.right, row) : evaluateFilter(node.left, row) || evaluateFilter(node.right, row);
    case 'not':
      return !evaluateFilter(node.operand, row);
    case 'compare':
      return compare(node.op, valueOf(node.left, row), valueOf(node.right, row));
    case 'property':
      return Object.prototype.hasOwnProperty.call(row, node.name) ? row[node.name] : null;
    case 'literal':
      return node.value;
    case 'call': {
      const args = node.args.map((a) => valueOf(a, row));
      const [a, b] = args;
      if (node.name === 'tolower' || node.name === 'toupper' || node.name === 'trim') {
        if (typeof a !== 'string') return a;
        return node.name === 'tolower' ? a.toLowerCase() : node.name === 'toupper' ? a.toUpperCase() : a.trim();
      }
      if (a === null || a === undefined || b === null || b === undefined) return false;
      const hay = String(a).toLowerCase();
      const needle = String(b).toLowerCase();
      if (node.name === 'contains') return hay.includes(needle);
      if (node.name === 'startswith') return hay.startsWith(needle);
      if (node.name === 'endswith') return hay.endsWith(needle);
      return false;
    }
  }
}

function compare(op: string, a: unknown, b: unknown): boolean {
  const aNull = a === null || a === undefined;
  const bNull = b === null || b === undefined;
  if (aNull || bNull) {
    if (op === 'eq') return aNull && bNull;
    if (op === 'ne') return aNull !== bNull;
    return false;
  }
  const c = order(a, b);
  if (c === undefined) return op === 'ne';
  switch (op) {
    case 'eq':
      return c === 0;
    case 'ne':
      return c !== 0;
    case 'gt':
      return c > 0;
    case 'ge':
      return c >= 0;
    case 'lt':
      return c < 0;
    case 'le':
      return c <= 0;
    default:
      return false;
  }
}

/** -1/0/1, or undefined when the values cannot be compared (e.g. text against a boolean). */
function order(a: unknown, b: unknown): number | undefined {
  if (typeof a === 'number' || typeof b === 'number') {
    const x = typeof a === 'number' ? a : typeof a === 'string' && a.trim() !== '' ? Number(a) : NaN;
    const y = typeof b === 'number' ? b : typeof b === 'string' && b.trim() !== '' ? Number(b) : NaN;
    if (Number.isNaN(x) || Number.isNaN(y)) return undefined;
    return Math.sign(x - y);
  }
  if (typeof a === 'boolean' || typeof b === 'boolean') {
    const x = typeof a === 'boolean' ? a : a === 'true' ? true : a === 'false' ? false : undefined;
    const y = typeof b === 'boolean' ? b : b === 'true' ? true : b === 'false' ? false : undefined;
    if (x === undefined || y === undefined) return undefined;
    return x === y ? 0 : x ? 1 : -1;
  }
  if (typeof a === 'string' && typeof b === 'string') {
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return undefined;
}
