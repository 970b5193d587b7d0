/**
 * Regenerates maps/schema.json from the zod schema in src/maps/schema.ts, so editors can
 * autocomplete and validate map files. Run: npx tsx scripts/generate-map-schema.ts
 * (src/maps/schema-file.test.ts fails while the file is out of date).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderMapSchemaFile } from '../src/maps/schema-file';

const target = join(__dirname, '..', 'maps', 'schema.json');
writeFileSync(target, renderMapSchemaFile());
console.log(`wrote ${target}`);
