import type { CredentialStore } from '../auth/credentialStore';
import type { EventTrackingRuntime } from '../createEventTracking';

/** What the routes need: the runtime (tracker, API) and the credentials that guard them. */
export interface RestDeps {
  runtime: EventTrackingRuntime;
  credentials: CredentialStore;
}
