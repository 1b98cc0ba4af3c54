import type { AddressInfo } from 'node:net';
import type { FastifyRequest } from 'fastify';

export const REST_PREFIX = '/wp-json/fluent-crm/v2';

declare module 'fastify' {
  interface FastifyInstance {
    /** The configured public URL (PUBLIC_URL) without a trailing slash, or null: the listening address. */
    publicBaseUrl: string | null;
  }
}

/**
 * The absolute URL of a route under the REST prefix, for paginator links. Built from the configured
 * public URL or the address the server listens on, never from the request's Host header, as
 * WordPress builds its links from the site URL.
 */
export function publicUrl(request: FastifyRequest, routePath: string): string {
  return `${publicBase(request)}${REST_PREFIX}${routePath}`;
}

/** PUBLIC_URL, or http://ADDRESS:PORT of the listening socket: the site, without the REST prefix. */
export function publicBase(request: FastifyRequest): string {
  return request.server.publicBaseUrl ?? listeningBase(request);
}

/**
 * PUBLIC_URL as the links' base: http or https, optionally with a path prefix, no query string,
 * fragment or credentials. Returns it without a trailing slash, or throws a message saying what is wrong.
 */
export function normalisePublicUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`must be an absolute http(s) URL such as https://crm.example.com; got ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`must start with http:// or https://; got ${JSON.stringify(text)}`);
  if (url.search !== '' || url.hash !== '' || text.includes('?') || text.includes('#')) {
    throw new Error(`must not have a query string or fragment; got ${JSON.stringify(text)}`);
  }
  if (url.username !== '' || url.password !== '') throw new Error('must not contain a user name or password');
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/** http://ADDRESS:PORT of the listening socket; for a wildcard listen, the local address this client reached. */
function listeningBase(request: FastifyRequest): string {
  const listening = request.server.server.address() as AddressInfo | string | null;
  const socket = request.raw.socket;
  let address = typeof listening === 'object' && listening ? listening.address : socket.localAddress ?? '127.0.0.1';
  const port = typeof listening === 'object' && listening ? listening.port : socket.localPort;
  if (address === '0.0.0.0' || address === '::') address = socket.localAddress ?? address;
  address = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  const host = address.includes(':') ? `[${address}]` : address;
  return `http://${host}:${port}`;
}
