import { readServerConfig } from '../../src/server/config';

describe('FCRM_PLUGINS', () => {
  test('unset: no plugins', () => {
    expect(readServerConfig({}).plugins).toEqual([]);
  });

  test('comma-separated paths, in order, trimmed, empty entries dropped', () => {
    expect(readServerConfig({ FCRM_PLUGINS: ' examples/follow-up.js, ,/opt/crm/log.mjs,' }).plugins).toEqual(['examples/follow-up.js', '/opt/crm/log.mjs']);
  });
});
