import type { ColumnSchema, EntitySetSchema } from '../../schema/entity-schema';
import { FINOPS_ENUM_TYPE_OF_COLUMN, FINOPS_ENUMS, FINOPS_NAMESPACE } from './entities';
import { edmPrimitiveType, xmlAttr } from '../shared/csdl';

/** CSDL ($metadata) for the sandbox's entity sets, in the namespace and shape F&O uses. */

/** F&O declares its enums as types of its namespace. */
function edmType(col: ColumnSchema): string {
  return edmPrimitiveType(col) ?? `${FINOPS_NAMESPACE}.${FINOPS_ENUM_TYPE_OF_COLUMN[col.name] ?? 'NoYes'}`;
}

export function buildMetadataXml(schemas: readonly EntitySetSchema[]): string {
  const out: string[] = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">',
    '<edmx:DataServices>',
    `<Schema Namespace="${FINOPS_NAMESPACE}" xmlns="http://docs.oasis-open.org/odata/ns/edm">`,
  ];
  for (const s of schemas) {
    out.push(`<EntityType Name="${xmlAttr(s.entityType)}">`);
    out.push(`<Key>${s.primaryKey.map((k) => `<PropertyRef Name="${xmlAttr(k)}" />`).join('')}</Key>`);
    for (const c of s.columns) {
      // F&O strings, numbers and enums are never null on the wire; keys are explicitly not nullable.
      const nullable = s.primaryKey.includes(c.name) || c.type === 'decimal' || c.type === 'int' ? 'false' : 'true';
      const maxLength = c.maxLength !== undefined ? ` MaxLength="${c.maxLength}"` : '';
      const scale = c.type === 'decimal' ? ' Precision="32" Scale="6"' : '';
      out.push(`<Property Name="${xmlAttr(c.name)}" Type="${edmType(c)}" Nullable="${nullable}"${maxLength}${scale} />`);
    }
    out.push('</EntityType>');
  }
  for (const [name, symbols] of Object.entries(FINOPS_ENUMS)) {
    out.push(`<EnumType Name="${name}">${symbols.map((m, i) => `<Member Name="${m}" Value="${i}" />`).join('')}</EnumType>`);
  }
  out.push('<EntityContainer Name="Resources">');
  for (const s of schemas) out.push(`<EntitySet Name="${xmlAttr(s.entitySet)}" EntityType="${FINOPS_NAMESPACE}.${xmlAttr(s.entityType)}" />`);
  out.push('</EntityContainer>', '</Schema>', '</edmx:DataServices>', '</edmx:Edmx>');
  return out.join('\n');
}
