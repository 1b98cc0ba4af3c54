import type { CredentialStore } from '../auth/credentialStore';
import type { HashWorkQueue } from '../auth/hashWorkQueue';
import type { EventTrackingRuntime } from '../createEventTracking';
import type { FailedAuthLimiter } from '../rest/failedAuthLimiter';

/** What the admin page needs; the limiter and hash queue are the REST API's own, so failures count together. */
export interface AdminDeps {
  runtime: EventTrackingRuntime;
  credentials: CredentialStore;
  authLimiter: FailedAuthLimiter;
  hashQueue: HashWorkQueue;
  /** The zone dates are shown in (FCRM_TIMEZONE). */
  timeZone: string;
}
