import type { z } from 'zod';
import { didYouMean, jsonPath, type MapError } from './errors';
import { TableMapSchema } from './schema';

/* Turns zod issues into MapErrors an author can act on: expected vs found, and a hint. */

type AnySchema = { _zod: { def: { type: string; innerType?: unknown; element?: unknown } }; shape?: Record<string, unknown> };

/** The zod schema at a path inside the map, for listing allowed property names. */
function schemaAt(path: readonly PropertyKey[]): AnySchema | undefined {
  let s = TableMapSchema as unknown as AnySchema | undefined;
  const unwrap = (x: AnySchema | undefined): AnySchema | undefined => {
    while (x && (x._zod.def.type === 'optional' || x._zod.def.type === 'default')) x = x._zod.def.innerType as AnySchema;
    return x;
  };
  for (const seg of path) {
    s = unwrap(s);
    if (!s) return undefined;
    if (typeof seg === 'number') s = s._zod.def.element as AnySchema | undefined;
    else s = s.shape?.[String(seg)] as AnySchema | undefined;
  }
  return unwrap(s);
}

function allowedKeys(path: readonly PropertyKey[]): string[] {
  return Object.keys(schemaAt(path)?.shape ?? {});
}

function found(input: unknown, present: boolean): string {
  if (!present) return 'nothing';
  if (input === null) return 'null';
  if (Array.isArray(input)) return `a list of ${input.length}`;
  if (typeof input === 'object') return 'an object';
  return JSON.stringify(input);
}

const EXAMPLES: Record<string, string> = {
  name: '"customers-v3-accounts"',
  version: '"1.0.0"',
  publisher: '"contoso"',
  scope: '"company" or "global"',
  finops: '{ "entitySet": "CustomersV3", "key": ["CustomerAccount"] }',
  dataverse: '{ "entitySet": "accounts", "key": ["accountnumber"] }',
  columns: '[{ "finops": "OrganizationName", "dataverse": "name", "direction": "<->" }]',
  direction: '"<->", "->" (F&O to Dataverse) or "<-" (Dataverse to F&O)',
};

export function zodIssuesToMapErrors(issues: readonly z.core.$ZodIssue[], file: string | undefined, mapName: string | undefined): MapError[] {
  return issues.map((issue) => {
    const path = jsonPath(issue.path);
    const last = issue.path[issue.path.length - 1];
    const example = typeof last === 'string' ? EXAMPLES[last] : undefined;
    const base = { file, map: mapName, path };
    const hasInput = 'input' in issue;
    const input = (issue as { input?: unknown }).input;
    switch (issue.code) {
      case 'invalid_type':
        if (!hasInput || input === undefined) {
          return { ...base, code: 'missing', message: `required property '${String(last)}' is missing`, expected: `${issue.expected}${example ? `, e.g. ${example}` : ''}`, hint: `add "${String(last)}"` };
        }
        return { ...base, code: 'invalid-type', message: `found ${found(input, true)}`, expected: issue.expected, hint: example ? `e.g. ${example}` : undefined };
      case 'invalid_value': {
        const options = issue.values.map((v) => JSON.stringify(v)).join(', ');
        const suggestion = typeof input === 'string' ? didYouMean(input, issue.values.map(String)) : undefined;
        return { ...base, code: 'invalid-value', message: `found ${found(input, hasInput)}`, expected: `one of ${options}`, hint: suggestion };
      }
      case 'unrecognized_keys': {
        const allowed = allowedKeys(issue.path);
        return issue.keys.map((key) => ({
          ...base,
          path: jsonPath([...issue.path, key]),
          code: 'unknown-property',
          message: `unknown property '${key}'`,
          expected: `one of ${allowed.join(', ')}`,
          hint: didYouMean(key, allowed) ?? 'remove it: unknown properties are rejected so a typo cannot silently disable a setting',
        }));
      }
      case 'invalid_format':
        return { ...base, code: 'invalid-format', message: `found ${found(input, hasInput)}`, expected: issue.message, hint: example ? `e.g. ${example}` : undefined };
      case 'too_small':
        return {
          ...base,
          code: 'too-small',
          message: `found ${found(input, hasInput)}`,
          expected: issue.origin === 'array' ? `at least ${String(issue.minimum)} item(s)` : issue.origin === 'string' ? 'a non-empty text' : `at least ${String(issue.minimum)}`,
        };
      case 'invalid_union':
        return { ...base, code: 'invalid-type', message: `found ${found(input, hasInput)}`, expected: last === 'default' ? 'text, a number, true/false or null' : 'text, a number or true/false' };
      default:
        return { ...base, code: issue.code.replace(/_/g, '-'), message: issue.message, expected: 'a valid value' };
    }
  }).flat();
}
