/**
 * What a credential may do, named after the WordPress capabilities FluentCRM checks. `manage`
 * implies `read`, so a writer never needs two credentials.
 */
export type Capability = 'fcrm_read_contacts' | 'fcrm_manage_contacts';

export type AccessLevel = 'read' | 'manage';

export const CAPABILITIES: readonly Capability[] = ['fcrm_read_contacts', 'fcrm_manage_contacts'];

export function isCapability(value: unknown): value is Capability {
  return typeof value === 'string' && (CAPABILITIES as readonly string[]).includes(value);
}

export function capabilitiesFor(level: AccessLevel): Capability[] {
  return level === 'manage' ? ['fcrm_read_contacts', 'fcrm_manage_contacts'] : ['fcrm_read_contacts'];
}

/** False for a missing principal, so callers can pass the result of a failed verification as is. */
export function hasCapability(principal: { capabilities: readonly Capability[] } | null | undefined, capability: Capability): boolean {
  return principal?.capabilities.includes(capability) ?? false;
}
