import { mapJsonSchema } from './schema';

/** The exact text of maps/schema.json; a test fails when the committed file differs. */
export function renderMapSchemaFile(): string {
  return `${JSON.stringify(mapJsonSchema(), null, 2)}\n`;
}
