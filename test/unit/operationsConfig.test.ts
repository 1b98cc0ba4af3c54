import { ConfigError, readServerConfig } from '../../src/server/config';

describe('METRICS_PORT and FCRM_SHUTDOWN_DELAY_MS', () => {
  test('unset: no metrics listener, no shutdown delay', () => {
    const config = readServerConfig({});
    expect(config.metricsPort).toBeUndefined();
    expect(config.shutdownDelayMs).toBe(0);
  });

  test('read as whole numbers; a bad value stops start-up naming the variable', () => {
    expect(readServerConfig({ METRICS_PORT: '9464', FCRM_SHUTDOWN_DELAY_MS: '10000' })).toMatchObject({ metricsPort: 9464, shutdownDelayMs: 10_000 });
    expect(readServerConfig({ METRICS_PORT: '0' }).metricsPort).toBe(0);
    expect(() => readServerConfig({ METRICS_PORT: 'prometheus' })).toThrow(ConfigError);
    expect(() => readServerConfig({ METRICS_PORT: '70000' })).toThrow(/METRICS_PORT must be a whole number from 0 to 65535/);
    expect(() => readServerConfig({ FCRM_SHUTDOWN_DELAY_MS: '-5' })).toThrow(/FCRM_SHUTDOWN_DELAY_MS/);
  });
});
