import { runSoak } from '../../bench/soak';

// The short version of `npm run soak` (60 s there): a steady REST load with no error, and every
// answered request stored.
test('a short soak through REST: no error, no timeout, every request stored', async () => {
  const result = await runSoak(4, 100);
  expect(result.requests).toBeGreaterThan(200);
  expect({ non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts }).toEqual({ non2xx: 0, errors: 0, timeouts: 0 });
  // Every answered request is stored; up to one per connection may still have been in flight when
  // the load generator stopped counting (stored, but not in its total).
  expect(result.stored).toBeGreaterThanOrEqual(result.requests);
  expect(result.stored).toBeLessThanOrEqual(result.requests + 16);
}, 60_000);
