import { ConfigError, readServerConfig } from '../../src/server/config';

describe('resource limit settings (environment)', () => {
  test('defaults: 2 batches, 2 reads with 32 waiting', () => {
    const config = readServerConfig({});
    expect(config.maxConcurrentBatches).toBe(2);
    expect(config.reads).toEqual({ maxConcurrent: 2, maxQueued: 32 });
  });

  test('set from the environment', () => {
    const config = readServerConfig({ FCRM_MAX_CONCURRENT_BATCHES: '4', FCRM_MAX_CONCURRENT_READS: ' 3 ', FCRM_READ_QUEUE: '0' });
    expect(config.maxConcurrentBatches).toBe(4);
    expect(config.reads).toEqual({ maxConcurrent: 3, maxQueued: 0 });
  });

  test.each([
    ['FCRM_MAX_CONCURRENT_BATCHES', '0', 'FCRM_MAX_CONCURRENT_BATCHES must be a whole number of at least 1; got "0"'],
    ['FCRM_MAX_CONCURRENT_BATCHES', 'two', 'FCRM_MAX_CONCURRENT_BATCHES must be a whole number of at least 1; got "two"'],
    ['FCRM_MAX_CONCURRENT_READS', '1.5', 'FCRM_MAX_CONCURRENT_READS must be a whole number of at least 1'],
    ['FCRM_READ_QUEUE', '-1', 'FCRM_READ_QUEUE must be a whole number of at least 0'],
  ])('%s=%s is a ConfigError', (name, value, message) => {
    expect(() => readServerConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => readServerConfig({ [name]: value })).toThrow(message);
  });
});
