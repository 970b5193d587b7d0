/**
 * The service document and CSDL `$metadata` of the Dataverse sandbox: entity types with their
 * keys, alternate keys (the OData.Community.Keys.V1.AlternateKeys annotation Dataverse emits),
 * lookups as `_x_value` properties plus navigation properties (one per target table for a
 * polymorphic lookup, all constrained to the same `_x_value`), and the change-tracking annotation.
 */
import { lookupTargets, type ColumnSchema, type EntitySetSchema } from '../../schema/entity-schema';
import { DATAVERSE_NAMESPACE } from './entities';
import { edmPrimitiveType, xmlAttr } from '../shared/csdl';

/** Dataverse has no enum types: F&O-style enums are plain strings. */
const edmType = (c: ColumnSchema): string => edmPrimitiveType(c) ?? 'Edm.String';

const esc = xmlAttr;

function entityTypeXml(s: EntitySetSchema, all: readonly EntitySetSchema[]): string {
  const lines: string[] = [];
  lines.push(`<EntityType Name="${s.entityType}">`);
  lines.push(`<Key>${s.primaryKey.map((k) => `<PropertyRef Name="${k}"/>`).join('')}</Key>`);
  for (const c of s.columns) {
    const name = c.type === 'lookup' ? `_${c.name}_value` : c.name;
    const facets = c.maxLength ? ` MaxLength="${c.maxLength}"` : '';
    const nullable = s.primaryKey.includes(c.name) ? ' Nullable="false"' : '';
    lines.push(`<Property Name="${name}" Type="${edmType(c)}"${facets}${nullable}/>`);
  }
  for (const c of s.columns) {
    if (c.type !== 'lookup') continue;
    for (const { entitySet, navigationProperty } of lookupTargets(c)) {
      const target = all.find((t) => t.entitySet === entitySet);
      if (!target) continue;
      lines.push(
        `<NavigationProperty Name="${navigationProperty}" Type="mscrm.${target.entityType}"><ReferentialConstraint Property="_${c.name}_value" ReferencedProperty="${target.primaryKey[0] ?? ''}"/></NavigationProperty>`,
      );
    }
  }
  if (s.alternateKeys?.length) {
    lines.push('<Annotation Term="OData.Community.Keys.V1.AlternateKeys"><Collection>');
    for (const key of s.alternateKeys) {
      const refs = key.columns
        .map((name) => {
          const col = s.columns.find((c) => c.name === name);
          const path = col?.type === 'lookup' ? `_${name}_value` : name;
          return `<Record Type="OData.Community.Keys.V1.PropertyRef"><PropertyValue Property="Alias" String="${path}"/><PropertyValue Property="Name" PropertyPath="${path}"/></Record>`;
        })
        .join('');
      lines.push(`<Record Type="OData.Community.Keys.V1.AlternateKey"><PropertyValue Property="Key"><Collection>${refs}</Collection></PropertyValue></Record>`);
    }
    lines.push('</Collection></Annotation>');
  }
  lines.push('</EntityType>');
  return lines.join('\n');
}

export function metadataXml(sets: readonly EntitySetSchema[]): string {
  const types = sets.map((s) => entityTypeXml(s, sets)).join('\n');
  const container = sets
    .map((s) => {
      const navs = s.columns
        .flatMap((c) => (c.type === 'lookup' ? lookupTargets(c) : []))
        .filter((target) => sets.some((t) => t.entitySet === target.entitySet))
        .map((target) => `<NavigationPropertyBinding Path="${target.navigationProperty}" Target="${target.entitySet}"/>`)
        .join('');
      const tracking = s.changeTracking
        ? '<Annotation Term="Org.OData.Capabilities.V1.ChangeTracking"><Record><PropertyValue Property="Supported" Bool="true"/></Record></Annotation>'
        : '';
      return `<EntitySet Name="${esc(s.entitySet)}" EntityType="mscrm.${s.entityType}">${navs}${tracking}</EntitySet>`;
    })
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
<edmx:DataServices>
<Schema Namespace="${DATAVERSE_NAMESPACE}" Alias="mscrm" xmlns="http://docs.oasis-open.org/odata/ns/edm">
${types}
<EntityContainer Name="System">
${container}
</EntityContainer>
</Schema>
</edmx:DataServices>
</edmx:Edmx>
`;
}

export function serviceDocument(root: string, sets: readonly EntitySetSchema[]): unknown {
  return { '@odata.context': `${root}$metadata`, value: sets.map((s) => ({ name: s.entitySet, kind: 'EntitySet', url: s.entitySet })) };
}
