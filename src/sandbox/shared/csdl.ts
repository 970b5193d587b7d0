import type { ColumnSchema } from '../../schema/entity-schema';

/**
 * Pieces of CSDL ($metadata) both sandboxes write the same way. Enums differ per service
 * (F&O declares enum types, Dataverse has none), so each sandbox maps those itself.
 */
export function edmPrimitiveType(column: ColumnSchema): string | undefined {
  switch (column.type) {
    case 'string':
      return 'Edm.String';
    case 'int':
    case 'optionset':
      return 'Edm.Int32';
    case 'bigint':
      return 'Edm.Int64';
    case 'decimal':
      return 'Edm.Decimal';
    case 'bool':
      return 'Edm.Boolean';
    case 'date':
      return 'Edm.Date';
    case 'datetime':
      return 'Edm.DateTimeOffset';
    case 'guid':
    case 'lookup':
      return 'Edm.Guid';
    case 'enum':
      return undefined;
  }
}

/** Escapes text for an XML attribute value. */
export function xmlAttr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
