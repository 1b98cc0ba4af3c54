import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { packageVersion } from './packageVersion';
import { publicBase, REST_PREFIX } from './publicUrl';

/** Where the browsable API document is served. */
export const DOCS_PATH = `${REST_PREFIX}/docs`;

/**
 * The UI's own policy: its scripts and styles come from this server only (the assets are served
 * from the installed package, no CDN), it calls only this server, and no other site may frame it.
 * Inline styles are allowed because Swagger UI sets some; inline scripts are not.
 */
const DOCS_CSP = [
  "default-src 'self'",
  "base-uri 'self'",
  "connect-src 'self'",
  "font-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "img-src 'self' data:",
  "object-src 'none'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self' 'unsafe-inline'",
].join('; ');

/**
 * The OpenAPI document (@fastify/swagger) and its browsable UI at /wp-json/fluent-crm/v2/docs
 * (@fastify/swagger-ui). Like the JSON document, the UI is public: it shows the routes' shapes, no
 * data, as WordPress's own /wp-json index does; "Try it out" calls need an application password.
 */
export async function registerApiDocument(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'fcrm-event-tracking REST API',
        description: "FluentCRM's event tracking routes. Authenticate with HTTP Basic: an application password name:password.",
        version: packageVersion(),
      },
      components: { securitySchemes: { applicationPassword: { type: 'http', scheme: 'basic' } } },
      security: [{ applicationPassword: [] }],
    },
  });
  await app.register(swaggerUi, {
    routePrefix: DOCS_PATH,
    staticCSP: DOCS_CSP,
    // The public validator badge would send the document to validator.swagger.io.
    uiConfig: { validatorUrl: null },
    transformSpecification: (document, request) => withServers(document, request),
  });
}

/** The document with `servers` naming where this API is reached: PUBLIC_URL, else the listening address. */
export function withServers<T extends object>(document: T, request: FastifyRequest): T & { servers: Array<{ url: string }> } {
  return { ...document, servers: [{ url: publicBase(request) }] };
}
