import { z } from 'zod';
import { ROLES } from '../auth/roles';
import { defineRoute, type ApiRoute } from '../routing/route';

const CallerSchema = z.object({ name: z.string(), role: z.enum(ROLES) });

/** Who the bearer token belongs to: the console signs in with it and offers only what the role may do. */
export function meRoutes(): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/me',
      operationId: 'whoAmI',
      summary: 'The caller\'s name and role, as the presented token names them',
      tag: 'auth',
      role: 'viewer',
      responses: { 200: { description: 'The caller', schema: CallerSchema } },
      handler: (c, { caller }) => c.json({ name: caller.name, role: caller.role }),
    }),
  ];
}
