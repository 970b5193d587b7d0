/**
 * The console's pages. Shared by the browser router and the server's fallback: a reload of any
 * of these paths gets index.html; every other path stays the API's (404 with its error body).
 */
export const CONSOLE_PAGES = {
  maps: '/maps',
  graph: '/graph',
  errors: '/errors',
  activity: '/activity',
  alerts: '/alerts',
} as const;

const MAP_EDITOR = /^\/maps\/([a-z0-9]+(?:-[a-z0-9]+)*)\/?$/;

/** The map a path edits (`/maps/<name>`), if it is the editor's path. */
export function editedMap(path: string): string | undefined {
  return MAP_EDITOR.exec(path)?.[1];
}

export function isConsolePage(path: string): boolean {
  const trimmed = path.length > 1 ? path.replace(/\/$/, '') : path;
  return trimmed === '/' || Object.values(CONSOLE_PAGES).some((p) => p === trimmed) || editedMap(path) !== undefined;
}
