import { normalizeContactInput, normalizeEmail, type ContactInput } from '../contacts/contactInput';
import { toContactRecord, type ContactRecord } from '../contacts/contactRecord';
import type { ContactStore } from '../contacts/contactStore';
import { toDatabaseId } from '../tracking/contactReference';

/** `api('contacts')`: just enough contact management to track events for someone. */
export interface ContactsApi {
  /** Creates the contact, or updates the one with this e-mail (case-insensitive); rejects with FcrmError on bad input. */
  createOrUpdate(input: ContactInput): Promise<ContactRecord>;
  /** By id (number or digits) or by e-mail; null when there is none. */
  getContact(idOrEmail: number | string): Promise<ContactRecord | null>;
  /** Deletes the contact and, through the foreign key, its events. False when there was none. */
  delete(id: number | string): Promise<boolean>;
}

export function createContactsApi(deps: { contacts: ContactStore; timeZone: string }): ContactsApi {
  const record = (row: Parameters<typeof toContactRecord>[0] | null) => (row ? toContactRecord(row, deps.timeZone) : null);
  return {
    async createOrUpdate(input) {
      const { row } = await deps.contacts.createOrUpdate(normalizeContactInput(input));
      return toContactRecord(row, deps.timeZone);
    },

    async getContact(idOrEmail) {
      const id = toDatabaseId(idOrEmail);
      if (id) return record(await deps.contacts.findById(id));
      const email = normalizeEmail(idOrEmail);
      return email ? record(await deps.contacts.findByEmail(email)) : null;
    },

    async delete(id) {
      const dbId = toDatabaseId(id);
      return dbId ? deps.contacts.delete(dbId) : false;
    },
  };
}
