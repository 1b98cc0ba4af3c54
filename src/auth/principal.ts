import type { Capability } from './capabilities';

/** Who a verified request acts as: the credential's name, what it may do and its WordPress user. */
export interface Principal {
  name: string;
  capabilities: Capability[];
  /** The WordPress user the credential acts as (for `created_by` and the current contact), if any. */
  userId: number | null;
}
