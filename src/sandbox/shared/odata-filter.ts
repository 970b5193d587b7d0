import type { ColumnSchema, ColumnType } from '../../schema/entity-schema';

/**
 * OData `$filter` and `$orderby` for the sandboxes: a recursive-descent parser for the subset
 * F&O and Dataverse document (eq ne gt ge lt le, and or not, parentheses, contains / startswith /
 * endswith, tolower / toupper / trim, string number bool null datetime guid and enum literals),
 * compiled to a parameterised SQLite WHERE clause against known columns.
 *
 * Why not a library: the npm OData parsers checked (@odata/parser 0.2, odata-v4-parser 0.1, last
 * published years ago; @balena/odata-parser, which parses whole URLs into its own AST) either
 * look unmaintained or would still need a translation layer as long as this parser, and none
 * accepts F&O's enum literal form (`Microsoft.Dynamics.DataEntities.Gender'Male'`) or gives
 * errors that name the column and position the way a sandbox should.
 */

export class ODataQueryError extends Error {
  readonly status = 400;
  constructor(message: string) {
    super(message);
    this.name = 'ODataQueryError';
  }
}

export type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
export type LiteralType = 'string' | 'number' | 'boolean' | 'null' | 'datetime' | 'date' | 'guid' | 'enum';

export type FilterExpr =
  | { kind: 'logical'; op: 'and' | 'or'; left: FilterExpr; right: FilterExpr }
  | { kind: 'not'; operand: FilterExpr }
  | { kind: 'compare'; op: CompareOp; left: FilterExpr; right: FilterExpr; pos: number }
  | { kind: 'call'; name: string; args: FilterExpr[]; pos: number }
  | { kind: 'property'; name: string; pos: number }
  | { kind: 'literal'; literalType: LiteralType; value: string | number | boolean | null; enumType?: string; pos: number };

type Token =
  | { t: 'punct'; v: '(' | ')' | ','; pos: number }
  | { t: 'ident'; v: string; pos: number }
  | { t: 'literal'; literalType: LiteralType; v: string | number | boolean | null; enumType?: string; pos: number }
  | { t: 'end'; pos: number };

const GUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![0-9A-Za-z_-])/;
const DATETIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})?(?![0-9A-Za-z_])/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}(?![0-9A-Za-z_:T-])/;
const NUMBER_RE = /^-?\d+(\.\d+)?([eE][+-]?\d+)?[mMdDfFlL]?(?![0-9A-Za-z_])/;
const IDENT_RE = /^[A-Za-z_$@][A-Za-z0-9_.$/@]*/;

function tokenize(text: string, what: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (msg: string, pos: number) => new ODataQueryError(`Syntax error in ${what} at position ${pos + 1}: ${msg}. ${what}: ${text}`);
  const readQuoted = (start: number): [string, number] => {
    // start points at the opening quote; '' inside is an escaped quote.
    let j = start + 1;
    let out = '';
    for (;;) {
      if (j >= text.length) throw fail('unterminated string literal (a quote inside a string is written as two quotes)', start);
      const ch = text[j]!;
      if (ch === "'") {
        if (text[j + 1] === "'") {
          out += "'";
          j += 2;
          continue;
        }
        return [out, j + 1];
      }
      out += ch;
      j++;
    }
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      i++;
      continue;
    }
    if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ t: 'punct', v: ch, pos: i });
      i++;
      continue;
    }
    if (ch === "'") {
      const [value, next] = readQuoted(i);
      tokens.push({ t: 'literal', literalType: 'string', v: value, pos: i });
      i = next;
      continue;
    }
    const rest = text.slice(i);
    let m = GUID_RE.exec(rest);
    if (m) {
      tokens.push({ t: 'literal', literalType: 'guid', v: m[0].toLowerCase(), pos: i });
      i += m[0].length;
      continue;
    }
    if ((m = DATETIME_RE.exec(rest))) {
      tokens.push({ t: 'literal', literalType: 'datetime', v: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    if ((m = DATE_RE.exec(rest))) {
      tokens.push({ t: 'literal', literalType: 'date', v: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    if ((m = NUMBER_RE.exec(rest))) {
      const raw = m[0].replace(/[mMdDfFlL]$/, '');
      tokens.push({ t: 'literal', literalType: 'number', v: Number(raw), pos: i });
      i += m[0].length;
      continue;
    }
    if ((m = IDENT_RE.exec(rest))) {
      const word = m[0];
      const after = i + word.length;
      if (text[after] === "'") {
        // Typed literal: datetime'...', guid'...', or an enum: Namespace.EnumType'Symbol'.
        const [value, next] = readQuoted(after);
        const prefix = word.toLowerCase();
        if (prefix === 'datetime' || prefix === 'datetimeoffset') tokens.push({ t: 'literal', literalType: 'datetime', v: value, pos: i });
        else if (prefix === 'guid') tokens.push({ t: 'literal', literalType: 'guid', v: value.toLowerCase(), pos: i });
        else tokens.push({ t: 'literal', literalType: 'enum', v: value, enumType: word, pos: i });
        i = next;
        continue;
      }
      const lower = word.toLowerCase();
      if (lower === 'true' || lower === 'false') tokens.push({ t: 'literal', literalType: 'boolean', v: lower === 'true', pos: i });
      else if (lower === 'null') tokens.push({ t: 'literal', literalType: 'null', v: null, pos: i });
      else tokens.push({ t: 'ident', v: word, pos: i });
      i = after;
      continue;
    }
    throw fail(`unexpected character '${ch}'`, i);
  }
  tokens.push({ t: 'end', pos: text.length });
  return tokens;
}

const COMPARE_OPS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const UNSUPPORTED_OPS = new Set(['add', 'sub', 'mul', 'div', 'divby', 'mod', 'has', 'in']);
const BOOLEAN_FUNCTIONS = new Set(['contains', 'startswith', 'endswith']);
const STRING_FUNCTIONS = new Set(['tolower', 'toupper', 'trim']);

/** Parses a $filter expression into an AST; throws ODataQueryError with the position on bad input. */
export function parseFilter(text: string): FilterExpr {
  const what = '$filter';
  const tokens = tokenize(text, what);
  let k = 0;
  const peek = (): Token => tokens[k]!;
  const next = (): Token => tokens[k++]!;
  const fail = (msg: string, pos: number) => new ODataQueryError(`Syntax error in ${what} at position ${pos + 1}: ${msg}. ${what}: ${text}`);
  const isWord = (tok: Token, word: string) => tok.t === 'ident' && tok.v.toLowerCase() === word;
  const describe = (tok: Token) => (tok.t === 'end' ? 'the end of the expression' : tok.t === 'literal' ? `literal ${JSON.stringify(tok.v)}` : `'${tok.v}'`);

  function parseOr(): FilterExpr {
    let left = parseAnd();
    while (isWord(peek(), 'or')) {
      next();
      left = { kind: 'logical', op: 'or', left, right: parseAnd() };
    }
    return left;
  }
  function parseAnd(): FilterExpr {
    let left = parseNot();
    while (isWord(peek(), 'and')) {
      next();
      left = { kind: 'logical', op: 'and', left, right: parseNot() };
    }
    return left;
  }
  function parseNot(): FilterExpr {
    if (isWord(peek(), 'not')) {
      next();
      return { kind: 'not', operand: parseNot() };
    }
    return parseComparison();
  }
  function parseComparison(): FilterExpr {
    const left = parseOperand();
    const tok = peek();
    if (tok.t === 'ident') {
      const op = tok.v.toLowerCase();
      if (COMPARE_OPS.has(op)) {
        next();
        const right = parseOperand();
        return { kind: 'compare', op: op as CompareOp, left, right, pos: tok.pos };
      }
      if (UNSUPPORTED_OPS.has(op)) throw fail(`the operator '${tok.v}' is not supported by this service`, tok.pos);
    }
    return left;
  }
  function parseOperand(): FilterExpr {
    const tok = next();
    if (tok.t === 'punct' && tok.v === '(') {
      const inner = parseOr();
      const close = next();
      if (!(close.t === 'punct' && close.v === ')')) throw fail(`expected ')' but found ${describe(close)}`, close.pos);
      return inner;
    }
    if (tok.t === 'literal') return { kind: 'literal', literalType: tok.literalType, value: tok.v, enumType: tok.enumType, pos: tok.pos };
    if (tok.t === 'ident') {
      const lower = tok.v.toLowerCase();
      if (COMPARE_OPS.has(lower) || lower === 'and' || lower === 'or') throw fail(`expected a property or a value but found '${tok.v}'`, tok.pos);
      const open = peek();
      if (open.t === 'punct' && open.v === '(') {
        next();
        if (!BOOLEAN_FUNCTIONS.has(lower) && !STRING_FUNCTIONS.has(lower)) {
          throw fail(`the function '${tok.v}' is not supported; supported: contains, startswith, endswith, tolower, toupper, trim`, tok.pos);
        }
        const args: FilterExpr[] = [];
        if (!(peek().t === 'punct' && (peek() as { v: string }).v === ')')) {
          for (;;) {
            args.push(parseOr());
            const sep = next();
            if (sep.t === 'punct' && sep.v === ')') break;
            if (!(sep.t === 'punct' && sep.v === ',')) throw fail(`expected ',' or ')' in the arguments of ${tok.v} but found ${describe(sep)}`, sep.pos);
          }
        } else next();
        const arity = BOOLEAN_FUNCTIONS.has(lower) ? 2 : 1;
        if (args.length !== arity) throw fail(`${lower} takes ${arity} argument${arity > 1 ? 's' : ''}, got ${args.length}`, tok.pos);
        return { kind: 'call', name: lower, args, pos: tok.pos };
      }
      if (tok.v.includes('/')) throw fail(`navigation paths such as '${tok.v}' are not supported by this sandbox`, tok.pos);
      return { kind: 'property', name: tok.v, pos: tok.pos };
    }
    throw fail(`expected a property or a value but found ${describe(tok)}`, tok.pos);
  }

  if (peek().t === 'end') throw fail('the expression is empty', 0);
  const expr = parseOr();
  const rest = peek();
  if (rest.t !== 'end') throw fail(`unexpected ${describe(rest)} (missing 'and' / 'or'?)`, rest.pos);
  return expr;
}

export type SqlValue = string | number | null;

export interface CompiledSql {
  sql: string;
  params: SqlValue[];
}

export interface FilterCompileOptions {
  /** Entity set name, for error messages. */
  entitySet: string;
  columns: readonly ColumnSchema[];
  /**
   * F&O documents `eq '*retail*'` as its contains: a `*` in a string compared with eq/ne
   * becomes a LIKE wildcard. Off for Dataverse.
   */
  starWildcardEquals?: boolean;
}

/** How SQLite stores each column type (shared with entity-store, which writes the same forms). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Normalises an OData datetime to the form stored in SQLite (ISO 8601 UTC with milliseconds). */
export function normalizeDateTime(value: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/.test(value)) return undefined;
  const withZone = /T/.test(value) && !/(Z|[+-]\d{2}:\d{2})$/.test(value) ? `${value}Z` : value;
  const ms = Date.parse(/T/.test(withZone) ? withZone : `${withZone}T00:00:00Z`);
  if (Number.isNaN(ms)) return undefined;
  return new Date(ms).toISOString();
}

type Typed = { sql: string; params: SqlValue[]; type: ColumnType | 'literal'; literal?: Extract<FilterExpr, { kind: 'literal' }>; column?: ColumnSchema; isNull?: boolean };

/** Compiles a $filter text to a WHERE clause (without the WHERE keyword). */
export function compileFilter(text: string, options: FilterCompileOptions): CompiledSql {
  const expr = parseFilter(text);
  const columns = new Map(options.columns.map((c) => [c.name, c]));
  const lowerColumns = new Map(options.columns.map((c) => [c.name.toLowerCase(), c]));
  const { entitySet } = options;

  const columnOf = (name: string): ColumnSchema => {
    const col = columns.get(name);
    if (col) return col;
    const nearly = lowerColumns.get(name.toLowerCase());
    throw new ODataQueryError(
      `Could not find a property named '${name}' on type '${entitySet}' in $filter.${nearly ? ` Property names are case-sensitive: did you mean '${nearly.name}'?` : ''}`,
    );
  };

  function literalFor(lit: Extract<FilterExpr, { kind: 'literal' }>, against: ColumnSchema | undefined): SqlValue {
    const where = against ? `column '${against.name}' (${against.type})` : 'a value';
    const mismatch = () =>
      new ODataQueryError(`In $filter on '${entitySet}': ${lit.literalType} literal ${JSON.stringify(lit.value)} cannot be compared with ${where}.`);
    if (lit.literalType === 'null') return null;
    if (!against) {
      if (lit.literalType === 'boolean') return lit.value ? 1 : 0;
      return lit.value as SqlValue;
    }
    switch (against.type) {
      case 'int':
      case 'bigint':
      case 'decimal':
      case 'optionset':
        if (lit.literalType !== 'number') throw mismatch();
        return lit.value as number;
      case 'bool':
        if (lit.literalType !== 'boolean') throw mismatch();
        return lit.value ? 1 : 0;
      case 'datetime':
      case 'date': {
        if (lit.literalType !== 'datetime' && lit.literalType !== 'date' && lit.literalType !== 'string') throw mismatch();
        const raw = String(lit.value);
        if (against.type === 'date') {
          const d = /^\d{4}-\d{2}-\d{2}/.exec(raw);
          if (!d) throw mismatch();
          return d[0];
        }
        const norm = normalizeDateTime(raw);
        if (!norm) throw new ODataQueryError(`In $filter on '${entitySet}': '${raw}' is not a valid datetime for column '${against.name}' (expected e.g. 2024-05-01T00:00:00Z).`);
        return norm;
      }
      case 'guid':
      case 'lookup':
        if (lit.literalType !== 'guid' && lit.literalType !== 'string') throw mismatch();
        return String(lit.value).toLowerCase();
      case 'enum': {
        if (lit.literalType !== 'enum' && lit.literalType !== 'string') throw mismatch();
        const symbol = String(lit.value);
        if (against.enumSymbols && !against.enumSymbols.includes(symbol)) {
          throw new ODataQueryError(
            `In $filter on '${entitySet}': '${symbol}' is not a member of the enum of column '${against.name}'; expected one of ${against.enumSymbols.join(', ')}.`,
          );
        }
        return symbol;
      }
      case 'string':
        if (lit.literalType === 'number' || lit.literalType === 'boolean') throw mismatch();
        return String(lit.value);
    }
  }

  function operand(e: FilterExpr): Typed {
    if (e.kind === 'property') {
      const col = columnOf(e.name);
      return { sql: quoteIdent(col.name), params: [], type: col.type, column: col };
    }
    if (e.kind === 'literal') return { sql: '?', params: [], type: 'literal', literal: e, isNull: e.literalType === 'null' };
    if (e.kind === 'call' && STRING_FUNCTIONS.has(e.name)) {
      const arg = operand(e.args[0]!);
      const fn = e.name === 'tolower' ? 'lower' : e.name === 'toupper' ? 'upper' : 'trim';
      const bound = arg.literal ? [literalFor(arg.literal, undefined)] : arg.params;
      return { sql: `${fn}(${arg.sql})`, params: bound, type: 'string' };
    }
    // A boolean sub-expression used as a value, e.g. (A eq 1) eq true: rare; compile as 0/1.
    const b = boolean(e);
    return { sql: `(${b.sql})`, params: b.params, type: 'bool' };
  }

  function bind(side: Typed, other: Typed): CompiledSql {
    if (side.literal) return { sql: '?', params: [literalFor(side.literal, other.column)] };
    return { sql: side.sql, params: side.params };
  }

  function likePattern(value: string, mode: 'contains' | 'startswith' | 'endswith'): string {
    const escaped = value.replace(/[\\%_]/g, (c) => `\\${c}`);
    return mode === 'contains' ? `%${escaped}%` : mode === 'startswith' ? `${escaped}%` : `%${escaped}`;
  }

  function boolean(e: FilterExpr): CompiledSql {
    switch (e.kind) {
      case 'logical': {
        const l = boolean(e.left);
        const r = boolean(e.right);
        return { sql: `(${l.sql} ${e.op.toUpperCase()} ${r.sql})`, params: [...l.params, ...r.params] };
      }
      case 'not': {
        const inner = boolean(e.operand);
        return { sql: `(NOT ${inner.sql})`, params: inner.params };
      }
      case 'compare': {
        const left = operand(e.left);
        const right = operand(e.right);
        for (const side of [left, right]) {
          if (side.column?.type === 'enum' && e.op !== 'eq' && e.op !== 'ne') {
            throw new ODataQueryError(`In $filter on '${entitySet}': enum column '${side.column.name}' supports only eq and ne, not ${e.op}.`);
          }
        }
        if (left.isNull || right.isNull) {
          const other = left.isNull ? right : left;
          if (e.op !== 'eq' && e.op !== 'ne') throw new ODataQueryError(`In $filter on '${entitySet}': null can only be compared with eq or ne, not ${e.op}.`);
          if (other.isNull) return { sql: e.op === 'eq' ? '1' : '0', params: [] };
          const o = bind(other, other);
          return { sql: `${o.sql} IS ${e.op === 'eq' ? '' : 'NOT '}NULL`, params: o.params };
        }
        const l = bind(left, right);
        const r = bind(right, left);
        // F&O's documented contains form: StringField eq '*retail*'.
        const starSide = options.starWildcardEquals && (e.op === 'eq' || e.op === 'ne') ? (right.literal ? r : left.literal ? l : undefined) : undefined;
        const starValue = starSide?.params[0];
        if (starSide && typeof starValue === 'string' && starValue.includes('*')) {
          const col = right.literal ? l : r;
          const pattern = starValue.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/\*/g, '%');
          return { sql: `${e.op === 'ne' ? 'NOT ' : ''}${col.sql} LIKE ? ESCAPE '\\'`, params: [...col.params, pattern] };
        }
        const sqlOp = { eq: '=', ne: 'IS NOT', gt: '>', ge: '>=', lt: '<', le: '<=' }[e.op];
        return { sql: `${l.sql} ${sqlOp} ${r.sql}`, params: [...l.params, ...r.params] };
      }
      case 'call': {
        if (!BOOLEAN_FUNCTIONS.has(e.name)) throw new ODataQueryError(`In $filter on '${entitySet}': ${e.name}() returns a string; compare it with eq, e.g. ${e.name}(Name) eq 'x'.`);
        const target = operand(e.args[0]!);
        const needle = e.args[1]!;
        if (target.column && target.column.type !== 'string') {
          throw new ODataQueryError(`In $filter on '${entitySet}': ${e.name}() needs a string column, but '${target.column.name}' is ${target.column.type}.`);
        }
        if (needle.kind === 'literal') {
          if (needle.literalType !== 'string') throw new ODataQueryError(`In $filter on '${entitySet}': the second argument of ${e.name}() must be a string literal.`);
          return { sql: `${target.sql} LIKE ? ESCAPE '\\'`, params: [...target.params, likePattern(String(needle.value), e.name as 'contains')] };
        }
        const n = operand(needle);
        const pattern = e.name === 'contains' ? `'%' || ${n.sql} || '%'` : e.name === 'startswith' ? `${n.sql} || '%'` : `'%' || ${n.sql}`;
        return { sql: `${target.sql} LIKE ${pattern}`, params: [...target.params, ...n.params] };
      }
      case 'property': {
        const col = columnOf(e.name);
        if (col.type !== 'bool') throw new ODataQueryError(`In $filter on '${entitySet}': '${col.name}' is ${col.type}, not a boolean; compare it with a value, e.g. ${col.name} eq ...`);
        return { sql: `${quoteIdent(col.name)} = 1`, params: [] };
      }
      case 'literal':
        if (e.literalType !== 'boolean') throw new ODataQueryError(`In $filter on '${entitySet}': the literal ${JSON.stringify(e.value)} is not a condition.`);
        return { sql: e.value ? '1' : '0', params: [] };
    }
  }

  return boolean(expr);
}

export interface OrderByTerm {
  column: string;
  descending: boolean;
}

/** Parses `$orderby=A asc,B desc` against known columns. */
export function parseOrderBy(text: string, entitySet: string, columns: readonly ColumnSchema[]): OrderByTerm[] {
  const known = new Set(columns.map((c) => c.name));
  const terms: OrderByTerm[] = [];
  for (const raw of text.split(',')) {
    const part = raw.trim();
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\s+(asc|desc))?$/i.exec(part);
    if (!m) throw new ODataQueryError(`Syntax error in $orderby: '${part}' is not '<property> [asc|desc]'. $orderby: ${text}`);
    if (!known.has(m[1]!)) throw new ODataQueryError(`Could not find a property named '${m[1]}' on type '${entitySet}' in $orderby.`);
    terms.push({ column: m[1]!, descending: (m[2] ?? 'asc').toLowerCase() === 'desc' });
  }
  return terms;
}

/** Parses `$select=A,B` against known columns. */
export function parseSelect(text: string, entitySet: string, columns: readonly ColumnSchema[]): string[] {
  const known = new Set(columns.map((c) => c.name));
  const names = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) throw new ODataQueryError(`$select is empty; give a comma-separated list of properties of '${entitySet}'.`);
  if (names.includes('*')) return columns.map((c) => c.name);
  for (const n of names) if (!known.has(n)) throw new ODataQueryError(`Could not find a property named '${n}' on type '${entitySet}' in $select.`);
  return names;
}

export interface KeyPredicatePart {
  /** Property name, absent for the single-value form `Set('x')` / `Set(<guid>)`. */
  name?: string;
  value: string | number | boolean | null;
  literalType: LiteralType;
}

/**
 * Parses the inside of an entity key segment: `dataAreaId='usmf',CustomerAccount='US-001'`,
 * `'x'`, or `00000000-0000-0000-0000-000000000001`. Values keep their literal type so the
 * caller can check them against the key columns.
 */
export function parseKeyPredicate(text: string): KeyPredicatePart[] {
  const fail = (msg: string) => new ODataQueryError(`The key segment (${text}) is not valid: ${msg}. Expected e.g. (dataAreaId='usmf',CustomerAccount='US-001').`);
  const parts: KeyPredicatePart[] = [];
  let i = 0;
  const skipSpace = () => {
    while (text[i] === ' ') i++;
  };
  for (;;) {
    skipSpace();
    let name: string | undefined;
    const named = /^([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(text.slice(i));
    if (named) {
      name = named[1];
      i += named[0].length;
      skipSpace();
    }
    if (text[i] === "'") {
      let out = '';
      let j = i + 1;
      for (;;) {
        if (j >= text.length) throw fail('a quoted value is not terminated');
        if (text[j] === "'") {
          if (text[j + 1] === "'") {
            out += "'";
            j += 2;
            continue;
          }
          break;
        }
        out += text[j];
        j++;
      }
      parts.push({ name, value: out, literalType: 'string' });
      i = j + 1;
    } else {
      const m = /^[^,\s]+/.exec(text.slice(i));
      if (!m) throw fail(name ? `the value of ${name} is missing` : 'a value is missing');
      const raw = m[0];
      i += raw.length;
      if (GUID_RE.test(raw)) parts.push({ name, value: raw.toLowerCase(), literalType: 'guid' });
      else if (NUMBER_RE.test(raw)) parts.push({ name, value: Number(raw.replace(/[mMdDfFlL]$/, '')), literalType: 'number' });
      else if (raw === 'true' || raw === 'false') parts.push({ name, value: raw === 'true', literalType: 'boolean' });
      else if (raw === 'null') parts.push({ name, value: null, literalType: 'null' });
      else throw fail(`'${raw}' is not a literal (strings are quoted: '${raw}')`);
    }
    skipSpace();
    if (i >= text.length) break;
    if (text[i] !== ',') throw fail('expected a comma between key values');
    i++;
  }
  return parts;
}
