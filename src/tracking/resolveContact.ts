import type { ActingUser } from '../context/actingUser';
import type { ContactRow } from '../contacts/contactRecord';
import type { ContactStore } from '../contacts/contactStore';
import { FcrmError, MESSAGES } from '../errors';
import type { ContactReference } from './contactReference';

/** A host's way from a user id to that user's e-mail (WordPress: the user's `user_email`). */
export type UserEmailResolver = (userId: number) => Promise<string | null | undefined> | string | null | undefined;

/**
 * Finds the contact a tracking call names, never creating one and never falling back from the named
 * identifier to another. Without an identifier, the acting user's contact is the current contact.
 */
export class ContactResolver {
  constructor(
    private readonly contacts: ContactStore,
    private readonly resolveUserEmail: UserEmailResolver | undefined,
  ) {}

  async resolve(reference: ContactReference, actingUser: ActingUser | undefined): Promise<ContactRow> {
    const row = await this.lookup(reference, actingUser);
    if (row) return row;
    const message = reference.kind === 'current' ? MESSAGES.currentSubscriberNotFound : MESSAGES.subscriberNotFound;
    throw new FcrmError('subscriber_not_found', message);
  }

  private async lookup(reference: ContactReference, actingUser: ActingUser | undefined): Promise<ContactRow | null> {
    switch (reference.kind) {
      case 'subscriberId':
        return this.contacts.findById(reference.id);
      case 'email':
        return this.contacts.findByEmail(reference.email);
      case 'userId':
        return this.byUser(reference.userId);
      case 'current':
        return this.current(actingUser);
      case 'unresolvable':
        return null;
    }
  }

  private async byUser(userId: string): Promise<ContactRow | null> {
    return this.contacts.findByUser(userId, await this.userEmail(Number(userId)));
  }

  private async current(user: ActingUser | undefined): Promise<ContactRow | null> {
    if (!user) return null;
    if (user.userId !== undefined) {
      const email = user.email ?? (await this.userEmail(user.userId));
      return this.contacts.findByUser(String(user.userId), email);
    }
    return user.email ? this.contacts.findByEmail(user.email) : null;
  }

  private async userEmail(userId: number): Promise<string | null> {
    if (!this.resolveUserEmail || !Number.isSafeInteger(userId)) return null;
    const email = await this.resolveUserEmail(userId);
    return typeof email === 'string' && email.trim() !== '' ? email : null;
  }
}
