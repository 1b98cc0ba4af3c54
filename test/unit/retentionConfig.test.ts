import { ConfigError, readServerConfig } from '../../src/server/config';

describe('retention settings from the environment', () => {
  test('defaults: the history and finished runs are kept, a pass every hour in batches of 1000', () => {
    expect(readServerConfig({}).retention).toEqual({ historyDays: null, automationRunDays: null, intervalMs: 3_600_000, batchSize: 1000 });
    expect(readServerConfig({ FCRM_HISTORY_RETENTION_DAYS: '' }).retention.historyDays).toBeNull();
  });

  test('set values are taken', () => {
    const config = readServerConfig({
      FCRM_HISTORY_RETENTION_DAYS: '90',
      FCRM_AUTOMATION_RUN_RETENTION_DAYS: '30',
      FCRM_RETENTION_INTERVAL_SECONDS: '600',
      FCRM_RETENTION_BATCH_SIZE: '250',
    });
    expect(config.retention).toEqual({ historyDays: 90, automationRunDays: 30, intervalMs: 600_000, batchSize: 250 });
  });

  test.each([
    ['FCRM_HISTORY_RETENTION_DAYS', '0'],
    ['FCRM_HISTORY_RETENTION_DAYS', '1.5'],
    ['FCRM_HISTORY_RETENTION_DAYS', '36501'],
    ['FCRM_AUTOMATION_RUN_RETENTION_DAYS', '-1'],
    ['FCRM_RETENTION_INTERVAL_SECONDS', '0'],
    ['FCRM_RETENTION_BATCH_SIZE', 'many'],
  ])('%s=%s is a start-up error naming the variable', (name, value) => {
    expect(() => readServerConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => readServerConfig({ [name]: value })).toThrow(name);
  });
});
