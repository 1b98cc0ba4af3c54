import { CreateTrackingTables1764115200000 } from './1764115200000-CreateTrackingTables';
import { CreateApiCredentials1764201600000 } from './1764201600000-CreateApiCredentials';
import { AddFilterIndexes1764288000000 } from './1764288000000-AddFilterIndexes';
import { CreateAutomationRuns1764374400000 } from './1764374400000-CreateAutomationRuns';
import { AddEventHistoryAndOutbox1764460800000 } from './1764460800000-AddEventHistoryAndOutbox';
import { AddAutomationRunDelivery1764633600000 } from './1764633600000-AddAutomationRunDelivery';
import { AddOccurrenceKeyIndex1764547200000 } from './1764547200000-AddOccurrenceKeyIndex';
import { AddEventTotalsAndRanks1764720000000 } from './1764720000000-AddEventTotalsAndRanks';
import { DropEventPageIndex1764806400000 } from './1764806400000-DropEventPageIndex';
import { CascadeHistoryByStatement1764892800000 } from './1764892800000-CascadeHistoryByStatement';
import { AddIdempotencyFingerprint1764979200000 } from './1764979200000-AddIdempotencyFingerprint';
import { CreateEventDefinitions1765238400000 } from './1765238400000-CreateEventDefinitions';
import { AddRetentionAndSuppressions1765324800000 } from './1765324800000-AddRetentionAndSuppressions';
import { CreateAdminSessions1765584000000 } from './1765584000000-CreateAdminSessions';
import { AddOutboxTraceContext1765280000000 } from './1765280000000-AddOutboxTraceContext';
import { AddEventValueJson1765152000000 } from './1765152000000-AddEventValueJson';
import { AddOutboxRelayProgress1765411200000 } from './1765411200000-AddOutboxRelayProgress';
import { CreateWebhooks1765497600000 } from './1765497600000-CreateWebhooks';
import { AddIndexedProperties1765670400000 } from './1765670400000-AddIndexedProperties';

/** Every migration, in order. Classes, not globs: globs can load a second copy of a class under Jest. */
export const migrations = [
  CreateTrackingTables1764115200000,
  CreateApiCredentials1764201600000,
  AddFilterIndexes1764288000000,
  CreateAutomationRuns1764374400000,
  AddEventHistoryAndOutbox1764460800000,
  AddOccurrenceKeyIndex1764547200000,
  AddAutomationRunDelivery1764633600000,
  AddEventTotalsAndRanks1764720000000,
  DropEventPageIndex1764806400000,
  CascadeHistoryByStatement1764892800000,
  AddIdempotencyFingerprint1764979200000,
  AddEventValueJson1765152000000,
  CreateEventDefinitions1765238400000,
  AddOutboxTraceContext1765280000000,
  AddRetentionAndSuppressions1765324800000,
  AddOutboxRelayProgress1765411200000,
  CreateWebhooks1765497600000,
  CreateAdminSessions1765584000000,
  AddIndexedProperties1765670400000,
];
