import { createHash } from 'node:crypto';

/** What an idempotency key stands for: the event as stored, after sanitising and normalising. */
export interface FingerprintedEvent {
  eventKey: string;
  title: string;
  value: string;
  provider: string;
  /** null: "now", as a retry of the same call also says. */
  occurredAt: Date | null;
}

/**
 * SHA-256 (hex) of the canonical JSON of what makes two calls "the same event" for an idempotency
 * key: the key and title compared case-insensitively (they name one counter row, as the dedupe does),
 * the value, the provider and the time it happened. The contact is not in it because a key is already
 * per contact (the claim's primary key is (contact, key)); who called (created_by) and whether the done
 * action fires are how it was sent, not what it is, so a REST retry of an in-process call replays.
 */
export function eventFingerprint(event: FingerprintedEvent): string {
  const canonical = JSON.stringify([
    event.eventKey.toLowerCase(),
    event.title.toLowerCase(),
    event.value,
    event.provider,
    event.occurredAt === null ? null : event.occurredAt.toISOString(),
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}
