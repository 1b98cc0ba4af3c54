import type { CredentialStore } from '../auth/credentialStore';
import type { HashWorkQueue } from '../auth/hashWorkQueue';
import type { EventTrackingRuntime } from '../createEventTracking';
import type { AdmissionGate } from '../runtime/admissionGate';
import type { FailedAuthLimiter } from './failedAuthLimiter';

/** What the routes need: the runtime (tracker, API), the credentials that guard them and the failed-auth limit. */
export interface RestDeps {
  runtime: EventTrackingRuntime;
  credentials: CredentialStore;
  /** Failed authentications per client address (built by buildServer). */
  authLimiter: FailedAuthLimiter;
  /** The bounded queue every password hash of a request goes through (built by buildServer). */
  hashQueue: HashWorkQueue;
  /** Places for batches on POST /subscribers/track-events (built by buildServer). */
  batches: AdmissionGate;
}
