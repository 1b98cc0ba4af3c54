import { ConfigError, readServerConfig } from '../../src/server/config';
import { restartDelay } from '../../src/server/cluster';

const PG = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' };

describe('npm start: workers and the relay from the environment', () => {
  test('one worker by default; WEB_CONCURRENCY or FCRM_WORKERS (which wins) set more', () => {
    expect(readServerConfig({}).workers).toBe(1);
    expect(readServerConfig({ ...PG, WEB_CONCURRENCY: '3' }).workers).toBe(3);
    expect(readServerConfig({ ...PG, WEB_CONCURRENCY: '3', FCRM_WORKERS: '2' }).workers).toBe(2);
  });

  test('more than one worker on the embedded database is refused, saying why', () => {
    expect(() => readServerConfig({ WEB_CONCURRENCY: '2' })).toThrow(ConfigError);
    expect(() => readServerConfig({ FCRM_WORKERS: '2' })).toThrow(/FCRM_WORKERS=2 needs DATABASE_URL: the embedded database lives inside one process/);
    expect(readServerConfig({ WEB_CONCURRENCY: '1' }).workers).toBe(1);
  });

  test('bad worker counts name the variable', () => {
    expect(() => readServerConfig({ ...PG, WEB_CONCURRENCY: '0' })).toThrow(/WEB_CONCURRENCY must be a whole number of at least 1/);
    expect(() => readServerConfig({ ...PG, FCRM_WORKERS: 'two' })).toThrow(/FCRM_WORKERS/);
  });

  test('no relay without FCRM_NATS_URL; with it, the defaults and the overrides', () => {
    expect(readServerConfig({}).relay).toBeUndefined();
    expect(readServerConfig({ FCRM_NATS_URL: 'nats://127.0.0.1:4222' }).relay).toEqual({
      natsUrl: 'nats://127.0.0.1:4222',
      stream: undefined,
      subjectPrefix: undefined,
      maxAgeSeconds: 604_800,
    });
    expect(
      readServerConfig({ FCRM_NATS_URL: 'nats://a:4222,nats://b:4222', FCRM_NATS_STREAM: 'S1', FCRM_NATS_SUBJECT_PREFIX: 'crm.done', FCRM_NATS_MAX_AGE_SECONDS: '0' }).relay,
    ).toEqual({ natsUrl: 'nats://a:4222,nats://b:4222', stream: 'S1', subjectPrefix: 'crm.done', maxAgeSeconds: 0 });
  });

  test('bad relay settings fail start-up with the variable named', () => {
    expect(() => readServerConfig({ FCRM_NATS_URL: 'http://x' })).toThrow(/FCRM_NATS_URL must be nats:\/\/HOST:PORT/);
    expect(() => readServerConfig({ FCRM_NATS_URL: 'nats://x:4222', FCRM_NATS_STREAM: 'a.b' })).toThrow(/FCRM_NATS_STREAM must be letters/);
    expect(() => readServerConfig({ FCRM_NATS_URL: 'nats://x:4222', FCRM_NATS_SUBJECT_PREFIX: 'a.>' })).toThrow(/FCRM_NATS_SUBJECT_PREFIX/);
    expect(() => readServerConfig({ FCRM_NATS_URL: 'nats://x:4222', FCRM_NATS_MAX_AGE_SECONDS: '-1' })).toThrow(/FCRM_NATS_MAX_AGE_SECONDS/);
  });
});

describe('restarting crashed workers', () => {
  test('the delay doubles per crash in a row, up to the maximum', () => {
    expect([1, 2, 3, 4, 7, 8, 20].map((crashes) => restartDelay(crashes, 500, 30_000))).toEqual([500, 1_000, 2_000, 4_000, 30_000, 30_000, 30_000]);
  });
});
