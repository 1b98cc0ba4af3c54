import { createHmac, randomBytes } from 'node:crypto';
import type { Principal } from './principal';

export interface CachedVerification {
  principal: Principal;
  credentialId: string;
  /** The credential's name in lower case, so a revocation can find its entries. */
  nameKey: string;
  /** The stored hash the password was checked against: a changed password makes the entry stale. */
  passwordHash: string;
}

interface Entry extends CachedVerification {
  expiresAt: number;
}

/**
 * Remembers successful verifications for a short time, so a client sending the same Basic
 * credentials on every request pays the slow hash once per TTL instead of once per request. An entry
 * only saves the hash: CredentialStore still reads the credential's row on every hit, so a revocation
 * or a capability change made by any process takes effect on the next request.
 *
 * Keys are HMAC-SHA256 under a key that lives only in this process: the cache never holds a
 * password, and its keys are useless for guessing one offline. Map order is insertion order, so
 * the first entry is the oldest when the cache is full.
 */
export class VerificationCache {
  private readonly entries = new Map<string, Entry>();
  private readonly secret = randomBytes(32);

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The lookup key of a name (case-insensitive) and a password. Names never contain NUL, so the join is unambiguous. */
  key(name: string, password: string): string {
    return createHmac('sha256', this.secret).update(`${name.toLowerCase()}\0${password}`).digest('base64');
  }

  get(key: string): CachedVerification | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return null;
    }
    return entry;
  }

  set(key: string, value: CachedVerification): void {
    if (this.ttlMs <= 0 || this.maxEntries <= 0) return;
    this.entries.delete(key);
    while (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { ...value, expiresAt: this.now() + this.ttlMs });
  }

  forget(key: string): void {
    this.entries.delete(key);
  }

  forgetName(name: string): void {
    const nameKey = name.toLowerCase();
    for (const [key, entry] of this.entries) if (entry.nameKey === nameKey) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
