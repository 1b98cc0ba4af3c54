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
    const [row] = await this.resolveMany([reference], actingUser);
    if (row instanceof FcrmError) throw row;
    return row;
  }

  /**
   * A batch's contacts with one query per kind of identifier (ids, e-mails) rather than one per
   * item; user ids and the current contact are looked up once per distinct value.
   */
  async resolveMany(references: ContactReference[], actingUser: ActingUser | undefined): Promise<Array<ContactRow | FcrmError>> {
    const ids = new Set<string>();
    const emails = new Set<string>();
    for (const reference of references) {
      if (reference.kind === 'subscriberId') ids.add(reference.id);
      else if (reference.kind === 'email') emails.add(reference.email.toLowerCase());
    }
    const [byId, byEmail] = await Promise.all([this.contacts.findByIds([...ids]), this.contacts.findByEmails([...emails])]);
    const idIndex = new Map(byId.map((row) => [String(row.id), row]));
    const emailIndex = new Map(byEmail.map((row) => [row.email.toLowerCase(), row]));
    const notFound = (reference: ContactReference) =>
      new FcrmError('subscriber_not_found', reference.kind === 'current' ? MESSAGES.currentSubscriberNotFound : MESSAGES.subscriberNotFound);
    const others = new Map<string, Promise<ContactRow | null>>();
    const once = (key: string, find: () => Promise<ContactRow | null>) => {
      if (!others.has(key)) others.set(key, find());
      return others.get(key)!;
    };
    // Ids and e-mails are answered from the two lookups above without a promise per item (a batch is
    // up to 1,000 of them); user ids and the current contact wait for their own lookups.
    const answers = references.map((reference): ContactRow | FcrmError | Promise<ContactRow | FcrmError> => {
      if (reference.kind === 'subscriberId') return idIndex.get(reference.id) ?? notFound(reference);
      if (reference.kind === 'email') return emailIndex.get(reference.email.toLowerCase()) ?? notFound(reference);
      if (reference.kind === 'userId') return once(`user:${reference.userId}`, () => this.byUser(reference.userId)).then((row) => row ?? notFound(reference));
      if (reference.kind === 'current') return once('current', () => this.current(actingUser)).then((row) => row ?? notFound(reference));
      return notFound(reference);
    });
    return others.size === 0 ? (answers as Array<ContactRow | FcrmError>) : Promise.all(answers);
  }

  /** Which of these contact ids still exist. */
  async existingIds(ids: string[]): Promise<Set<string>> {
    return new Set((await this.contacts.findByIds([...new Set(ids)])).map((row) => String(row.id)));
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
