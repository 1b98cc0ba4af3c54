import { ConfigError, readServerConfig } from '../../src/server/config';

describe('authentication limits from the environment', () => {
  test('defaults: no trusted proxy, 20 failures a minute, 2 hashes at once, 64 waiting (32 per client)', () => {
    const config = readServerConfig({});
    expect(config.trustProxy).toBeUndefined();
    expect(config.failedAuthLimit).toEqual({ max: 20, windowMs: 60_000 });
    expect(config.hashQueue).toEqual({ running: 2, waiting: 64, waitingPerClient: 32 });
  });

  test('TRUST_PROXY takes a comma-separated list of addresses, CIDRs and range names; off stays off', () => {
    expect(readServerConfig({ TRUST_PROXY: ' 127.0.0.1, 10.0.0.0/8 ,::1,fd00::/8,loopback' }).trustProxy).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
      '::1',
      'fd00::/8',
      'loopback',
    ]);
    for (const off of ['', 'off', 'false', '0']) expect(readServerConfig({ TRUST_PROXY: off }).trustProxy).toBeUndefined();
  });

  test.each(['true', '*', '10.0.0.0/33', '10.0.0.1/8/1', 'proxy.example', '::1/129'])('TRUST_PROXY=%s is refused', (value) => {
    expect(() => readServerConfig({ TRUST_PROXY: value })).toThrow(ConfigError);
    expect(() => readServerConfig({ TRUST_PROXY: value })).toThrow(/TRUST_PROXY must list the proxies/);
  });

  test('the numbers are read and checked', () => {
    const config = readServerConfig({ FCRM_AUTH_FAILURES_PER_MINUTE: '5', FCRM_HASH_CONCURRENCY: '4', FCRM_HASH_QUEUE: '9' });
    expect(config.failedAuthLimit.max).toBe(5);
    expect(config.hashQueue).toEqual({ running: 4, waiting: 9, waitingPerClient: 5 });
    expect(() => readServerConfig({ FCRM_HASH_CONCURRENCY: '0' })).toThrow('FCRM_HASH_CONCURRENCY must be a whole number of at least 1; got "0"');
    expect(() => readServerConfig({ FCRM_AUTH_FAILURES_PER_MINUTE: 'many' })).toThrow(ConfigError);
    expect(() => readServerConfig({ FCRM_HASH_QUEUE: '-1' })).toThrow(ConfigError);
  });
});
