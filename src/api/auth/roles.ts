/** API roles, lowest first: each role may do everything the roles before it may. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: `name` is recorded as `by` on signals and as `actor` in the activity log. */
export interface Caller {
  name: string;
  role: Role;
}

export function roleAllows(held: Role, needed: Role): boolean {
  return ROLES.indexOf(held) >= ROLES.indexOf(needed);
}
