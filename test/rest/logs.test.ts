import { Writable } from 'node:stream';
import { CredentialStore } from '../../src/auth/credentialStore';
import { capabilitiesFor } from '../../src/auth/capabilities';
import { buildServer } from '../../src/rest/buildServer';
import { createServerLogger } from '../../src/server/serverLogger';
import { createContact } from '../helpers/fixtures';
import { basicAuth } from '../helpers/testServer';
import { openTestRuntime, type TestRuntime } from '../helpers/testRuntime';

// What the server logs (at the most verbose level) never carries a credential, a body or a query string.
test('logs hold method and path only: no credential, body or query string, not even for failures', async () => {
  const t: TestRuntime = await openTestRuntime();
  const { lines, sink } = logSink();
  const credentials = new CredentialStore(t.rt.dataSource, t.schema);
  const key = await credentials.create({ name: 'logger-test', capabilities: capabilitiesFor('manage') });
  const app = await buildServer({ runtime: t.rt, credentials, loggerInstance: createServerLogger('trace', sink) });
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/wp-json/fluent-crm/v2`;
    const contact = await createContact(t.rt);
    const post = (path: string, authorization: string, body: string) =>
      fetch(`${base}${path}`, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body });
    const secretValue = 'secret-value-4242';
    expect((await post(`/subscribers/track-event?email=${encodeURIComponent(contact.email)}&value=query-secret-77`, basicAuth(key.name, key.password), JSON.stringify({ event_key: 'k', title: 'T', value: secretValue }))).status).toBe(200);
    expect((await post('/subscribers/track-event', basicAuth(key.name, 'wrong-password-99'), JSON.stringify({ value: secretValue }))).status).toBe(401);
    expect((await post('/subscribers/track-event', basicAuth(key.name, key.password), '{"broken": ')).status).toBe(400);
    const log = lines.join('');
    expect(log).toContain('/wp-json/fluent-crm/v2/subscribers/track-event'); // it did log the requests
    for (const secret of [key.password, 'wrong-password-99', secretValue, 'query-secret-77', contact.email, 'Basic ', Buffer.from(`${key.name}:${key.password}`).toString('base64')]) {
      expect(log).not.toContain(secret);
    }
  } finally {
    await app.close();
    await credentials.idle();
    await t.close();
  }
});

// "A 500 answers a generic message": a route that fails with an internal error (a message holding a
// path, a stack with file names) answers the generic WordPress error, and the log keeps type and message.
test('an internal error answers 500 with the generic message only; the log line holds its type and message, no stack', async () => {
  const t: TestRuntime = await openTestRuntime();
  const { lines, sink } = logSink();
  const credentials = new CredentialStore(t.rt.dataSource, t.schema);
  const app = await buildServer({ runtime: t.rt, credentials, loggerInstance: createServerLogger('info', sink) });
  const internal = `ENOENT: open '${__dirname}/secret-file.ts' (internal-detail-31)`;
  // A fault in a route, registered before listen as any route is.
  app.get('/wp-json/fluent-crm/v2/test-fault', async () => {
    throw new TypeError(internal);
  });
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const response = await fetch(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/wp-json/fluent-crm/v2/test-fault`);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      code: 'internal_server_error',
      message: 'The server could not complete the request. The error has been logged.',
      data: { status: 500 },
    });
    const failures = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === 'request failed');
    expect(failures).toHaveLength(1);
    expect(failures[0].error).toEqual({ type: 'TypeError', message: internal });
    expect(lines.join('')).not.toMatch(/\s+at .*:\d+:\d+/); // no stack frame anywhere in the log
  } finally {
    await app.close();
    await credentials.idle();
    await t.close();
  }
});

/** A stream the server's logger writes to, and the lines written so far. */
function logSink(): { lines: string[]; sink: Writable } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, sink };
}
