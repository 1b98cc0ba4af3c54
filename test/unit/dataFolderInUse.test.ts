import { DataFolderInUseError } from '../../src/db/dataFolderInUse';

// The refusal names who holds the folder and both ways out; the server case is covered end to end in test/secondServer.test.ts.
describe('DataFolderInUseError', () => {
  test('a server owner: its pid and REST address, and both ways out', () => {
    const error = new DataFolderInUseError('/srv/data', { pid: 4242, url: 'postgres://postgres@127.0.0.1:5/postgres', server: 'http://127.0.0.1:8080/wp-json/fluent-crm/v2' });
    expect(error.code).toBe('data_folder_in_use');
    expect(error.message).toContain('The data folder /srv/data is already served by process 4242, whose REST API listens on http://127.0.0.1:8080/wp-json/fluent-crm/v2.');
    expect(error.message).toContain('PORT=8081 FCRM_DATA_DIR=./other-data npm start');
    expect(error.message).toContain('DATABASE_URL=postgres://user:password@host:5432/db npm start');
  });

  test('a command as owner (no REST address): says so and to wait', () => {
    const error = new DataFolderInUseError('/srv/data', { pid: 7, url: 'postgres://postgres@127.0.0.1:5/postgres' });
    expect(error.message).toContain('already served by process 7 (not a server: a command such as key:create or import; wait until it ends)');
  });
});
