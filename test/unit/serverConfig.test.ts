import { ConfigError, readServerConfig } from '../../src/server/config';
import { DEFAULT_CONNECTION_LIMITS } from '../../src/rest/connectionLimits';

describe('readServerConfig: connection limits and PUBLIC_URL', () => {
  test('defaults: 30 s request, 10 s headers, 5 s keep-alive, 500 connections; links from the listening address', () => {
    const config = readServerConfig({});
    expect(config.connectionLimits).toEqual({ requestTimeoutMs: 30_000, headersTimeoutMs: 10_000, keepAliveTimeoutMs: 5_000, maxConnections: 500 });
    expect(config.connectionLimits).toEqual(DEFAULT_CONNECTION_LIMITS);
    expect(config.publicUrl).toBeUndefined();
  });

  test('each limit is read from its variable', () => {
    const config = readServerConfig({ REQUEST_TIMEOUT_MS: '60000', HEADERS_TIMEOUT_MS: '20000', KEEP_ALIVE_TIMEOUT_MS: '65000', MAX_CONNECTIONS: '1000' });
    expect(config.connectionLimits).toEqual({ requestTimeoutMs: 60_000, headersTimeoutMs: 20_000, keepAliveTimeoutMs: 65_000, maxConnections: 1_000 });
  });

  test.each([
    ['REQUEST_TIMEOUT_MS', '0'],
    ['REQUEST_TIMEOUT_MS', '-5'],
    ['HEADERS_TIMEOUT_MS', '1.5'],
    ['KEEP_ALIVE_TIMEOUT_MS', 'soon'],
    ['MAX_CONNECTIONS', '1e3'],
  ])('%s=%s is refused', (name, value) => {
    expect(() => readServerConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => readServerConfig({ [name]: value })).toThrow(`${name} must be a whole number of at least 1; got ${JSON.stringify(value)}`);
  });

  test('the headers timeout may not exceed the request timeout', () => {
    expect(() => readServerConfig({ REQUEST_TIMEOUT_MS: '5000', HEADERS_TIMEOUT_MS: '6000' })).toThrow(
      'HEADERS_TIMEOUT_MS and REQUEST_TIMEOUT_MS: the headers timeout (6000 ms) must not exceed the request timeout (5000 ms)',
    );
    expect(readServerConfig({ REQUEST_TIMEOUT_MS: '5000', HEADERS_TIMEOUT_MS: '5000' }).connectionLimits.headersTimeoutMs).toBe(5000);
  });

  test.each([
    ['https://crm.example.com', 'https://crm.example.com'],
    ['https://crm.example.com/', 'https://crm.example.com'],
    ['http://10.0.0.5:8080/crm/', 'http://10.0.0.5:8080/crm'],
    ['HTTPS://CRM.Example.com', 'https://crm.example.com'],
  ])('PUBLIC_URL=%s → %s', (value, expected) => {
    expect(readServerConfig({ PUBLIC_URL: value }).publicUrl).toBe(expected);
  });

  test.each([
    ['crm.example.com', 'must be an absolute http(s) URL'],
    ['ftp://crm.example.com', 'must start with http:// or https://'],
    ['https://crm.example.com/?a=1', 'must not have a query string or fragment'],
    ['https://crm.example.com/#top', 'must not have a query string or fragment'],
    ['https://user:pw@crm.example.com', 'must not contain a user name or password'],
  ])('PUBLIC_URL=%s is refused', (value, message) => {
    expect(() => readServerConfig({ PUBLIC_URL: value })).toThrow(ConfigError);
    expect(() => readServerConfig({ PUBLIC_URL: value })).toThrow(message);
  });

  test('LOG_LEVEL takes pino levels; anything else is refused with the list of valid ones', () => {
    expect(readServerConfig({}).logLevel).toBe('info');
    expect(readServerConfig({ LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
    expect(() => readServerConfig({ LOG_LEVEL: 'verbose' })).toThrow(ConfigError);
    expect(() => readServerConfig({ LOG_LEVEL: 'verbose' })).toThrow(
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent; got "verbose"',
    );
  });
});
