import { z } from 'zod';

/**
 * The table map file format. This zod schema is the single source of truth: the loader
 * validates with it, and maps/schema.json (for editor autocompletion) is generated from it by
 * scripts/generate-map-schema.ts. Objects are strict so a misspelt property is an error
 * rather than a silently ignored setting.
 */

export const MAP_NAME_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const SEMVER_PATTERN = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?$/;
/** Column names as both systems spell them (dataAreaId, _msdyn_company_value, cdm_companycode). */
export const COLUMN_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

const columnName = z
  .string()
  .regex(COLUMN_NAME_PATTERN, 'a column name (letters, digits and underscores, not starting with a digit)');

export const DirectionSchema = z
  .enum(['<->', '->', '<-'])
  .describe('`<->` both ways, `->` Finance & Operations to Dataverse only, `<-` Dataverse to Finance & Operations only.');

export const ScalarSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type Scalar = z.infer<typeof ScalarSchema>;

const lookupMapName = z.string().regex(MAP_NAME_PATTERN, 'a kebab-case map name');

export const LookupSchema = z
  .strictObject({
    map: z
      .union([
        lookupMapName,
        z
          .array(lookupMapName)
          .min(1)
          .refine((names) => new Set(names).size === names.length, 'each map once'),
      ])
      .describe(
        'The map whose records this column refers to (by their integration key). For a polymorphic Dataverse lookup (customerid: account or contact) a list of maps, tried in order: the first whose record has the value wins, and Dataverse binds through that table\'s navigation property.',
      ),
    key: columnName
      .optional()
      .describe(
        "Dataverse key column of the referenced map(s) that holds this column's F&O value. Defaults to each referenced map's single Dataverse key column.",
      ),
    navigationProperty: z
      .string()
      .optional()
      .describe('Dataverse navigation property used with @odata.bind, for a lookup to one map. Defaults to the entity schema (which also names the navigation property of each table of a polymorphic lookup), else the column name.'),
  })
  .describe('The column holds a reference to a record of another map: F&O carries that record\'s key value, Dataverse a lookup (GUID).');

export const ColumnMappingSchema = z
  .strictObject({
    finops: columnName.optional().describe('Finance & Operations column (omit for a Dataverse-only column filled from `default` or `toFinops`).'),
    dataverse: columnName.optional().describe('Dataverse column (omit for an F&O-only column filled from `default` or `toDataverse`).'),
    direction: DirectionSchema,
    default: ScalarSchema.optional().describe('Value written when the source value is missing or null (or when there is no source column).'),
    valueMap: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .optional()
      .describe('F&O value (e.g. an enum symbol) -> Dataverse value (e.g. an option-set integer). Reversed for Dataverse to F&O.'),
    toDataverse: z
      .string()
      .min(1)
      .optional()
      .describe("Expression computing the Dataverse value from the F&O row, e.g. concat(trim(Name), ' ', upper(City))."),
    toFinops: z
      .string()
      .min(1)
      .optional()
      .describe('Expression computing the F&O value from the Dataverse row, e.g. truncate(name, 60).'),
    lookup: LookupSchema.optional(),
    description: z.string().optional(),
  })
  .describe('One column pairing with its direction and transforms.');

const filterString = z
  .string()
  .min(1)
  .describe("OData $filter syntax: eq ne gt ge lt le, and or not, ( ), contains/startswith/endswith. Example: PartyType eq 'Organization'.");

export const FinopsSideSchema = z.strictObject({
  entitySet: z.string().min(1).describe('F&O OData entity set, e.g. CustomersV3.'),
  key: z
    .array(columnName)
    .min(1)
    .describe('Entity key columns, without dataAreaId (company-specific maps add it implicitly).'),
  filter: filterString.optional(),
});

export const DataverseSideSchema = z.strictObject({
  entitySet: z.string().min(1).describe('Dataverse entity set, e.g. accounts.'),
  key: z
    .array(columnName)
    .min(1)
    .describe('Alternate key columns, without the company lookup (company-specific maps add it implicitly).'),
  filter: filterString.optional(),
  companyColumn: columnName
    .optional()
    .describe('Company lookup column to cdm_companies for company-specific maps. Default msdyn_company.'),
  companyInKey: z
    .boolean()
    .optional()
    .describe('Whether the alternate key includes the company lookup (default true). False when another key column already implies the company, e.g. order lines keyed by their order.'),
});

export const ConflictSchema = z
  .strictObject({
    policy: z.enum(['lastWriterWins', 'masterWins']),
    master: z.enum(['finops', 'dataverse']).describe('Wins under masterWins; breaks ties under lastWriterWins.'),
  })
  .describe('What happens when both sides changed the same record.');

export const TableMapSchema = z
  .strictObject({
    $schema: z.string().optional().describe('Path or URL of maps/schema.json, for editors.'),
    name: z.string().regex(MAP_NAME_PATTERN, 'a kebab-case name such as customers-v3-accounts'),
    description: z.string().optional(),
    version: z.string().regex(SEMVER_PATTERN, 'a semantic version such as 1.0.0'),
    publisher: z.string().min(1).describe('Who owns this map version, e.g. dualwrite or contoso.'),
    scope: z
      .enum(['company', 'global'])
      .describe('`company`: rows are striped by F&O dataAreaId and carry a cdm_companies lookup in Dataverse. `global`: shared by all companies.'),
    finops: FinopsSideSchema,
    dataverse: DataverseSideSchema,
    columns: z.array(ColumnMappingSchema).min(1),
    dependsOn: z.array(z.string().regex(MAP_NAME_PATTERN, 'a kebab-case map name')).optional().describe('Maps that must run first.'),
    deletes: z.enum(['propagate', 'ignore']).optional().describe('Default propagate.'),
    conflict: ConflictSchema.optional().describe('Default lastWriterWins with master finops.'),
    syncMode: z.enum(['async', 'sync']).optional().describe('`sync`: write-through inside the source transaction. Default async.'),
  })
  .describe('A dualwrite table map: pairs an F&O entity set with a Dataverse entity set.');

export type Direction = z.infer<typeof DirectionSchema>;
export type ColumnMapping = z.infer<typeof ColumnMappingSchema>;
export type LookupSpec = z.infer<typeof LookupSchema>;
export type TableMap = z.infer<typeof TableMapSchema>;
export type MapSide = 'finops' | 'dataverse';
export type TransformDirection = 'finops-to-dataverse' | 'dataverse-to-finops';

export const DEFAULT_DATAVERSE_COMPANY_COLUMN = 'msdyn_company';

/** Settings with their defaults applied, so callers never repeat the defaults. */
export function effectiveSettings(map: TableMap): {
  deletes: 'propagate' | 'ignore';
  conflict: { policy: 'lastWriterWins' | 'masterWins'; master: MapSide };
  syncMode: 'async' | 'sync';
  dependsOn: string[];
  companyColumn: string;
  companyInKey: boolean;
} {
  return {
    deletes: map.deletes ?? 'propagate',
    conflict: map.conflict ?? { policy: 'lastWriterWins', master: 'finops' },
    syncMode: map.syncMode ?? 'async',
    dependsOn: map.dependsOn ?? [],
    companyColumn: map.dataverse.companyColumn ?? DEFAULT_DATAVERSE_COMPANY_COLUMN,
    companyInKey: map.dataverse.companyInKey ?? true,
  };
}

/** The JSON Schema served to editors (maps/schema.json). */
export function mapJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(TableMapSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  return { ...schema, $id: 'https://dualwrite.dev/schemas/table-map.json', title: 'dualwrite table map' };
}

/** The maps a lookup refers to, in the order they are tried (one, or several for a polymorphic lookup). */
export function lookupMapNames(lookup: LookupSpec): string[] {
  return typeof lookup.map === 'string' ? [lookup.map] : [...lookup.map];
}
