import { connect } from 'node:net';
import { onCi } from './testDatabase';

/** The machine's nats-server with JetStream (DEVELOPERS.md); FCRM_TEST_NATS_URL points elsewhere. */
export const LOCAL_NATS_URL = 'nats://127.0.0.1:4222';

export type TestNatsChoice = { kind: 'nats'; url: string } | { kind: 'skip'; reason: string } | { kind: 'fail'; reason: string };

/**
 * Whether the tests that need NATS run: they do when it answers. When it does not, they are skipped
 * with the reason — except on CI, where they fail, so a run without NATS cannot stay green.
 */
export async function chooseTestNats(env: NodeJS.ProcessEnv, answers: (url: string) => Promise<boolean>): Promise<TestNatsChoice> {
  const url = env.FCRM_TEST_NATS_URL || LOCAL_NATS_URL;
  if (await answers(url)) return { kind: 'nats', url };
  const reason = `no NATS server answers at ${url} (start one: see DEVELOPERS.md, or set FCRM_TEST_NATS_URL)`;
  return onCi(env) ? { kind: 'fail', reason: `CI is set and ${reason}` } : { kind: 'skip', reason };
}

/** Whether a TCP connection to the NATS URL's host and port opens within `timeoutMs`. */
export function natsAnswers(url: string, timeoutMs = 1_000): Promise<boolean> {
  const { hostname, port } = new URL(url.replace(/^nats:/, 'http:'));
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || 4222) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
