import type { FastifyInstance } from 'fastify';
import { ADMIN_CSS } from './adminCss';
import { ADMIN_JS } from './adminJs';

/** Where the admin page's assets are, under the admin base. */
export const ASSET_PATHS = { css: '/assets/admin.css', js: '/assets/admin.js' } as const;

/** Serves the stylesheet and the script from memory: nothing comes from the network or the disk. */
export function registerAssets(app: FastifyInstance): void {
  app.get(ASSET_PATHS.css, { schema: { hide: true } }, async (_request, reply) => reply.type('text/css; charset=utf-8').send(ADMIN_CSS));
  app.get(ASSET_PATHS.js, { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').send(ADMIN_JS),
  );
}
