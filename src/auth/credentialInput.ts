import { FcrmError } from '../errors';
import { CAPABILITIES, isCapability, type Capability } from './capabilities';

export interface CreateCredentialInput {
  /** 1–60 characters of [A-Za-z0-9_.@-]; unique case-insensitively. */
  name: string;
  /** At least one; `fcrm_manage_contacts` brings `fcrm_read_contacts` with it. */
  capabilities: readonly Capability[];
  /** The WordPress user the credential acts as; null (default) for none. */
  userId?: number | null;
}

export interface NormalizedCredentialInput {
  name: string;
  capabilities: Capability[];
  userId: number | null;
}

// No colon (Basic auth splits there), no spaces or quotes (safe on a command line as printed).
const NAME = /^[A-Za-z0-9_.@-]{1,60}$/;

export function isValidCredentialName(name: unknown): name is string {
  return typeof name === 'string' && NAME.test(name);
}

export function normalizeCredentialInput(input: CreateCredentialInput): NormalizedCredentialInput {
  return {
    name: checkName(input.name),
    capabilities: checkCapabilities(input.capabilities),
    userId: checkUserId(input.userId),
  };
}

function checkName(name: unknown): string {
  if (isValidCredentialName(name)) return name;
  const shown = typeof name === 'string' ? JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name) : typeof name;
  throw new FcrmError(
    'invalid_data',
    `Invalid credential name ${shown}: use 1 to 60 characters from A-Z, a-z, 0-9, "_", ".", "@" and "-"`,
  );
}

/** Deduplicated, in a fixed order, with the read capability implied by manage. */
function checkCapabilities(capabilities: unknown): Capability[] {
  if (!Array.isArray(capabilities) || capabilities.length === 0 || !capabilities.every(isCapability)) {
    throw new FcrmError('invalid_data', `capabilities must be a non-empty list of: ${CAPABILITIES.join(', ')}`);
  }
  const wanted = new Set<Capability>(capabilities);
  if (wanted.has('fcrm_manage_contacts')) wanted.add('fcrm_read_contacts');
  return CAPABILITIES.filter((capability) => wanted.has(capability));
}

function checkUserId(userId: unknown): number | null {
  if (userId === undefined || userId === null) return null;
  if (typeof userId === 'number' && Number.isSafeInteger(userId) && userId > 0) return userId;
  throw new FcrmError('invalid_data', `userId must be a positive integer (a WordPress user id) or null, not ${String(userId)}`);
}
