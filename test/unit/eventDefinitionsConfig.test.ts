import { ConfigError, readServerConfig } from '../../src/server/config';

describe('FCRM_EVENT_DEFINITIONS_REFRESH_MS', () => {
  test('default 1000 ms; 0 (check every batch) is allowed', () => {
    expect(readServerConfig({}).eventDefinitionsRefreshMs).toBe(1_000);
    expect(readServerConfig({ FCRM_EVENT_DEFINITIONS_REFRESH_MS: '0' }).eventDefinitionsRefreshMs).toBe(0);
    expect(readServerConfig({ FCRM_EVENT_DEFINITIONS_REFRESH_MS: '30000' }).eventDefinitionsRefreshMs).toBe(30_000);
  });

  test.each(['-1', '1.5', 'soon'])('%s is refused', (value) => {
    expect(() => readServerConfig({ FCRM_EVENT_DEFINITIONS_REFRESH_MS: value })).toThrow(ConfigError);
    expect(() => readServerConfig({ FCRM_EVENT_DEFINITIONS_REFRESH_MS: value })).toThrow(/FCRM_EVENT_DEFINITIONS_REFRESH_MS must be a whole number of at least 0/);
  });
});
