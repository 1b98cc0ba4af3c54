import { AsyncLocalStorage } from 'node:async_hooks';

/** The logged-in user on whose behalf code runs (WordPress's current user). */
export interface ActingUser {
  userId?: number;
  email?: string;
}

/**
 * Holds the acting user for everything a `runAs` callback starts, across awaits, timers and hook
 * listeners. One per runtime, so two runtimes in one process never see each other's user.
 */
export class ActingUserContext {
  private readonly storage = new AsyncLocalStorage<ActingUser>();

  runAs<T>(user: ActingUser, fn: () => T): T {
    return this.storage.run(checkedUser(user), fn);
  }

  current(): ActingUser | undefined {
    return this.storage.getStore();
  }

  /** FluentCRM's `created_by`: the acting user's id, 0 when nobody is logged in. */
  createdBy(): number {
    return this.current()?.userId ?? 0;
  }
}

function checkedUser(user: ActingUser): ActingUser {
  if (typeof user !== 'object' || user === null) throw new TypeError('runAs needs a user: { userId?, email? }');
  const { userId, email } = user;
  if (userId !== undefined && !(Number.isSafeInteger(userId) && userId > 0)) {
    throw new TypeError('runAs: userId must be a positive integer');
  }
  if (email !== undefined && typeof email !== 'string') throw new TypeError('runAs: email must be a string');
  return Object.freeze({ userId, email });
}
