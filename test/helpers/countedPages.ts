import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { statementChannel } from '../../src/db/preparedStatements';

/**
 * The tracking-events page's slow fallback (EventStore.countedPage: `ORDER BY id DESC LIMIT … OFFSET …`
 * and `count(*)` on fc_event_tracking), which answers silently when the ranked page does not match
 * its promise. A page test that passes through it proves nothing about the ranked page.
 */
const COUNTED_PAGE = [
  /^SELECT \* FROM \S*fc_event_tracking"? WHERE subscriber_id = \$1 ORDER BY id DESC LIMIT \$2 OFFSET \$3$/,
  /^SELECT count\(\*\) AS total FROM \S*fc_event_tracking"? WHERE subscriber_id = \$1$/,
];

export interface CountedPageWatch {
  /** How many fallback statements ran since the last take(); resets the count. */
  take(): number;
}

/**
 * Watches the statements the stores send (statementChannel) for the count + OFFSET fallback, and
 * fails each test of the enclosing describe in which it ran. A test that expects it takes the count.
 */
export function failOnCountedPages(): CountedPageWatch {
  let seen = 0;
  const listener = (message: unknown) => {
    const { sql } = message as { sql: string };
    if (COUNTED_PAGE.some((pattern) => pattern.test(sql.trim()))) seen += 1;
  };
  beforeAll(() => subscribe(statementChannel.name, listener));
  afterAll(() => {
    unsubscribe(statementChannel.name, listener);
  });
  afterEach(() => {
    const ran = seen;
    seen = 0;
    if (ran > 0) throw new Error(`the count + OFFSET fallback of the tracking-events page ran ${ran} time(s): the ranked page did not match`);
  });
  return {
    take() {
      const ran = seen;
      seen = 0;
      return ran;
    },
  };
}
