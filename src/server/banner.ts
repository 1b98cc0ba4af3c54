import { ADMIN_PREFIX } from '../admin/adminSecurity';
import { REST_PREFIX } from '../rest/publicUrl';
import type { RunningServer } from './launchServer';

/** What `npm start` prints: where the API is and how to call it. */
export function startBanner(server: RunningServer): string {
  const { baseUrl, administrator, runtime } = server;
  const auth = administrator ? `${administrator.name}:${administrator.password}` : 'NAME:PASSWORD';
  const lines = [
    '',
    `fcrm-event-tracking REST API listening on ${baseUrl}`,
    `Database: ${databaseLine(runtime.database)}`,
    `OpenAPI document: ${baseUrl}/openapi.json`,
    `Admin page: ${adminUrl(baseUrl)} (sign in with an application password)`,
    `API docs (browsable): ${baseUrl}/docs`,
    '',
  ];
  if (administrator) {
    lines.push(
      'An administrator credential was created (it is shown only this once; only its hash is stored):',
      `  ${administrator.name}:${administrator.password}`,
      '',
    );
  } else {
    lines.push('Authenticate with an application password (create one: npm run key:create -- --name NAME --caps manage).', '');
  }
  lines.push(
    'Try it (HTTP Basic auth, as WordPress application passwords):',
    `  curl -u '${auth}' -H 'Content-Type: application/json' -X POST ${baseUrl}/subscribers \\`,
    `       -d '{"email":"john@example.com","first_name":"John"}'`,
    `  curl -u '${auth}' -H 'Content-Type: application/json' -X POST ${baseUrl}/subscribers/track-event \\`,
    `       -d '{"event_key":"testing_from_rest_api","title":"Testing From REST API","email":"john@example.com","value":"This is my event value with plain text","provider":"woocommerce"}'`,
    `  curl -u '${auth}' '${baseUrl}/subscribers/1/tracking-events'`,
    '',
    'Stop with Ctrl+C (SIGINT) or SIGTERM: in-flight requests and hook work finish first.',
    '',
  );
  return lines.join('\n');
}

/** The admin page next to the REST API: same origin, /admin instead of the REST prefix. */
function adminUrl(baseUrl: string): string {
  const origin = baseUrl.endsWith(REST_PREFIX) ? baseUrl.slice(0, -REST_PREFIX.length) : baseUrl;
  return `${origin}${ADMIN_PREFIX}`;
}

/** Where the data lives: the embedded database's folder, or the PostgreSQL URL (already without its password). */
function databaseLine(database: RunningServer['runtime']['database']): string {
  if (database.kind === 'postgres') return `PostgreSQL ${database.url}`;
  if (!database.dataDir || database.dataDir === 'memory://') return 'embedded PostgreSQL (PGlite), in memory only';
  return `embedded PostgreSQL (PGlite), data folder ${database.dataDir}`;
}
