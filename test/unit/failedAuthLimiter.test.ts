import { clientAddressKey } from '../../src/rest/clientAddressKey';
import { DEFAULT_FAILED_AUTH_LIMIT, FailedAuthLimiter, type AttemptReservation, type Reserve } from '../../src/rest/failedAuthLimiter';

/** A clock the test moves. */
function clock(start = 1_000_000) {
  const time = { now: start };
  return { time, now: () => time.now };
}

function reservation(result: Reserve): AttemptReservation {
  if (!result.reserved) throw new Error(`refused for ${result.retryAfter} s`);
  return result.reservation;
}

describe('FailedAuthLimiter', () => {
  test('the default: 20 failures a minute, then refused until the minute ends (a moved clock, no real wait)', () => {
    expect(DEFAULT_FAILED_AUTH_LIMIT).toEqual({ max: 20, windowMs: 60_000 });
    const { time, now } = clock();
    const limiter = new FailedAuthLimiter(undefined, { now });
    for (let i = 0; i < 20; i += 1) reservation(limiter.reserve('127.0.0.1'));
    expect(limiter.reserve('127.0.0.1')).toEqual({ reserved: false, retryAfter: 60 });
    time.now += 59_999;
    expect(limiter.blockedFor('127.0.0.1')).toBe(1);
    time.now += 1;
    expect(limiter.blockedFor('127.0.0.1')).toBe(0);
    expect(limiter.reserve('127.0.0.1').reserved).toBe(true);
  });

  test('counts per address within a window, and the window ends when the clock says so', () => {
    const { time, now } = clock();
    const limiter = new FailedAuthLimiter({ max: 2, windowMs: 60_000 }, { now });
    reservation(limiter.reserve('127.0.0.1'));
    expect(limiter.blockedFor('127.0.0.1')).toBe(0);
    time.now += 20_000;
    reservation(limiter.reserve('127.0.0.1'));
    expect(limiter.blockedFor('127.0.0.1')).toBe(40); // the window started with the first failure
    expect(limiter.reserve('127.0.0.1')).toEqual({ reserved: false, retryAfter: 40 });
    expect(limiter.blockedFor('127.0.0.2')).toBe(0);
    time.now += 39_500;
    expect(limiter.blockedFor('127.0.0.1')).toBe(1);
    time.now += 500;
    expect(limiter.blockedFor('127.0.0.1')).toBe(0);
    reservation(limiter.reserve('127.0.0.1')); // a new window
    expect(limiter.blockedFor('127.0.0.1')).toBe(0);
  });

  test('a released reservation (a right password) does not count; a kept one does', () => {
    const { now } = clock();
    const limiter = new FailedAuthLimiter({ max: 2, windowMs: 60_000 }, { now });
    for (let i = 0; i < 10; i += 1) limiter.release(reservation(limiter.reserve('a')));
    reservation(limiter.reserve('a'));
    const second = reservation(limiter.reserve('a'));
    expect(limiter.reserve('a').reserved).toBe(false); // two in flight: no third hash
    limiter.release(second);
    expect(limiter.reserve('a').reserved).toBe(true);
  });

  test('a release from an ended window does not give the new window an extra attempt', () => {
    const { time, now } = clock();
    const limiter = new FailedAuthLimiter({ max: 1, windowMs: 1_000 }, { now });
    const old = reservation(limiter.reserve('a'));
    time.now += 1_000;
    reservation(limiter.reserve('a'));
    limiter.release(old);
    expect(limiter.reserve('a').reserved).toBe(false);
  });

  test('a full table evicts expired, then unblocked entries, never a blocked one', () => {
    const { time, now } = clock();
    const limiter = new FailedAuthLimiter({ max: 2, windowMs: 60_000 }, { now, maxTracked: 3 });
    for (let i = 0; i < 2; i += 1) reservation(limiter.reserve('blocked'));
    reservation(limiter.reserve('once-1'));
    reservation(limiter.reserve('once-2'));
    for (let i = 0; i < 50; i += 1) {
      time.now += 10;
      reservation(limiter.reserve(`new-${i}`));
      expect(limiter.size).toBe(3);
      expect(limiter.blockedFor('blocked')).toBeGreaterThan(0);
    }
    time.now += 60_000; // everything expired: room again
    reservation(limiter.reserve('later'));
    expect(limiter.blockedFor('blocked')).toBe(0);
  });

  test('at the default size (10,000 addresses) too, filling the table does not unblock an address', () => {
    const { now } = clock();
    const limiter = new FailedAuthLimiter({ max: 20, windowMs: 60_000 }, { now });
    for (let i = 0; i < 20; i += 1) reservation(limiter.reserve('127.0.0.1'));
    for (let i = 0; i < 10_000; i += 1) reservation(limiter.reserve(`10.0.${i >> 8}.${i & 255}`));
    expect(limiter.size).toBe(10_000);
    expect(limiter.blockedFor('127.0.0.1')).toBe(60);
  });

  test('when every tracked entry is blocked, new addresses share one overflow window with the same limit', () => {
    const { time, now } = clock();
    const limiter = new FailedAuthLimiter({ max: 2, windowMs: 60_000 }, { now, maxTracked: 2 });
    for (const address of ['a', 'b']) for (let i = 0; i < 2; i += 1) reservation(limiter.reserve(address));
    reservation(limiter.reserve('c'));
    reservation(limiter.reserve('d'));
    expect(limiter.reserve('e')).toEqual({ reserved: false, retryAfter: 60 });
    expect(limiter.blockedFor('a')).toBe(60);
    expect(limiter.blockedFor('e')).toBe(0); // a cached credential needs no attempt: not refused
    time.now += 60_000;
    expect(limiter.reserve('e').reserved).toBe(true);
  });

  test('the one blocked scan is not repeated for every new address until an entry can end', () => {
    const { time, now } = clock();
    const limiter = new FailedAuthLimiter({ max: 1, windowMs: 60_000 }, { now, maxTracked: 1 });
    reservation(limiter.reserve('a'));
    reservation(limiter.reserve('b')); // overflow
    expect(limiter.reserve('c').reserved).toBe(false);
    time.now += 30_000;
    expect(limiter.reserve('c').reserved).toBe(false);
    time.now += 30_000;
    expect(limiter.reserve('c').reserved).toBe(true); // a's window ended: c is tracked itself
    expect(limiter.size).toBe(1);
  });

  test('an IPv6 client is limited by its /64; an IPv4-mapped address as the IPv4 one', () => {
    const { now } = clock();
    const limiter = new FailedAuthLimiter({ max: 2, windowMs: 60_000 }, { now });
    reservation(limiter.reserve('2001:db8:1:2::1'));
    reservation(limiter.reserve('2001:db8:1:2:ffff:ffff:ffff:ffff'));
    expect(limiter.blockedFor('2001:db8:1:2::abcd')).toBeGreaterThan(0);
    expect(limiter.blockedFor('2001:db8:1:3::1')).toBe(0);
    reservation(limiter.reserve('127.0.0.1'));
    reservation(limiter.reserve('::ffff:127.0.0.1'));
    expect(limiter.blockedFor('127.0.0.1')).toBeGreaterThan(0);
  });
});

describe('clientAddressKey', () => {
  test.each([
    ['127.0.0.1', '127.0.0.1'],
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['::1', '0:0:0:0::/64'],
    ['2001:DB8::1', '2001:db8:0:0::/64'],
    ['2001:0db8:0001:0002:0003:0004:0005:0006', '2001:db8:1:2::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::ffff:1.2.3.4:5', '::ffff:1.2.3.4:5'], // not an address: used as it is
    ['64:ff9b::192.0.2.33', '64:ff9b:0:0::/64'],
  ])('%s → %s', (address, key) => {
    expect(clientAddressKey(address)).toBe(key);
  });
});
