import { chooseTestDatabase, LOCAL_POSTGRES_URL, onCi } from '../setup/testDatabase';

// The suite's database: on CI, an unreachable PostgreSQL must fail the run, not quietly fall back.
describe('chooseTestDatabase', () => {
  const answers = async () => true;
  const silent = async () => false;

  test('DATABASE_URL, else the local server when it answers', async () => {
    expect(await chooseTestDatabase({ DATABASE_URL: 'postgres://x@db.internal/t' }, silent)).toEqual({ kind: 'postgres', url: 'postgres://x@db.internal/t' });
    expect(await chooseTestDatabase({}, answers)).toEqual({ kind: 'postgres', url: LOCAL_POSTGRES_URL });
  });

  test('off CI, an unreachable PostgreSQL falls back to the embedded database', async () => {
    expect(await chooseTestDatabase({}, silent)).toEqual({ kind: 'embedded' });
    expect(await chooseTestDatabase({ CI: 'false' }, silent)).toEqual({ kind: 'embedded' });
  });

  test('on CI, the fallback is an error that says what to do', async () => {
    await expect(chooseTestDatabase({ CI: 'true' }, silent)).rejects.toThrow(/CI is set and no PostgreSQL answers.*FCRM_TEST_DB=embedded/);
    await expect(chooseTestDatabase({ CI: '1' }, silent)).rejects.toThrow('FCRM_TEST_DB=embedded');
  });

  test('on CI, FCRM_TEST_DB=embedded asks for the embedded database', async () => {
    expect(await chooseTestDatabase({ CI: 'true', FCRM_TEST_DB: 'embedded' }, silent)).toEqual({ kind: 'embedded' });
    expect(await chooseTestDatabase({ CI: 'true', FCRM_TEST_DB: 'embedded', DATABASE_URL: 'postgres://x@h/t' }, answers)).toEqual({ kind: 'embedded' });
  });

  test('what counts as CI', () => {
    expect([undefined, '', 'false', '0', 'FALSE'].map((CI) => onCi({ CI }))).toEqual([false, false, false, false, false]);
    expect(['true', '1', 'yes'].map((CI) => onCi({ CI }))).toEqual([true, true, true]);
  });
});
