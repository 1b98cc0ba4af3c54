import { FcrmError, isFcrmError } from '../errors';
import { cutToCharacters, LIMITS } from '../tracking/limits';
import { sanitizeTextField } from '../tracking/sanitize';
import { parseEventConditions, type EventConditionGroups } from './eventConditions';
import { AUTOMATION_ID_MAX } from './runsTable';

/** FluentCRM Pro's "Tracking Event Recorded" trigger settings, as a host registers them. */
export interface EventRecordedTrigger {
  /** Unique per runtime, stored with every run: changing it forgets who ran the automation. */
  id: string;
  /** The event key to react to, compared case-insensitively (like the dedupe). */
  event_key: string;
  /** Run only once the event's counter has reached this (default 1). */
  minimum_event_count?: number;
  /** Run every time the trigger matches; by default a contact runs an automation once, ever. */
  run_multiple?: boolean;
  /** FluentCRM advanced-filter groups (ORed groups of ANDed items) the contact must match. */
  conditions?: unknown;
  /**
   * event_tracking_property items (no extra_value / scope / days) the triggering event's own value
   * must satisfy, checked in memory before `conditions`: `[{ property: 'total', operator: '>', value: 100 }]`.
   */
  event_conditions?: unknown;
}

/** A validated trigger: what the listener compares against. */
export interface ParsedTrigger {
  id: string;
  eventKey: string;
  /** The key as the listener compares it (lower case). */
  eventKeyFolded: string;
  minimumEventCount: number;
  runMultiple: boolean;
  /** Condition groups; `null` when there are none, so no query is made. */
  conditions: unknown[] | null;
  /** Conditions on the triggering event's own value; `null` when there are none. */
  eventConditions: EventConditionGroups | null;
}

// Namespaces of @wordpress/hooks allow only these characters; the id becomes part of one.
const ID_PATTERN = /^[A-Za-z0-9_.\-/]+$/;

/** The filter engine's parser: canonical groups, or an FcrmError naming the bad group and item. */
export type ConditionsParser = (groups: unknown) => unknown[];

/**
 * Checks a definition before anything is registered, so a mistake fails where it was written and
 * not at the first event. Condition groups are parsed by the filter engine (`parseConditions`).
 */
export function parseTrigger(definition: unknown, parseConditions: ConditionsParser): ParsedTrigger {
  if (typeof definition !== 'object' || definition === null || Array.isArray(definition)) {
    throw invalid('the definition must be an object: { id, event_key, minimum_event_count?, run_multiple?, conditions?, event_conditions? }');
  }
  const input = definition as Record<string, unknown>;
  const id = idOf(input.id);
  try {
    const eventKey = eventKeyOf(input.event_key);
    return {
      id,
      eventKey,
      eventKeyFolded: foldKey(eventKey),
      minimumEventCount: minimumOf(input.minimum_event_count),
      runMultiple: runMultipleOf(input.run_multiple),
      conditions: conditionsOf(input.conditions, parseConditions),
      eventConditions: parseEventConditions(input.event_conditions),
    };
  } catch (error) {
    // Name the automation: a host registers many, and the message must say which one is wrong.
    if (isFcrmError(error)) throw invalid(`automation ${JSON.stringify(id)}: ${error.message}`);
    throw error;
  }
}

/** How event keys are compared: the same case folding on both sides. */
export function foldKey(key: string): string {
  return key.toLowerCase();
}

function idOf(raw: unknown): string {
  if (typeof raw !== 'string' || raw === '') throw invalid('id must be a non-empty string');
  if (raw.length > AUTOMATION_ID_MAX) throw invalid(`id must be at most ${AUTOMATION_ID_MAX} characters`);
  if (!ID_PATTERN.test(raw)) {
    throw invalid(`id ${JSON.stringify(raw)} may only contain letters, digits, "_", ".", "-" and "/"`);
  }
  return raw;
}

/** Sanitised and cut like a tracked key, so the key a host writes matches the key that is stored. */
function eventKeyOf(raw: unknown): string {
  const text = typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : raw;
  if (typeof text !== 'string') throw reason('event_key must be a non-empty string');
  const key = cutToCharacters(sanitizeTextField(text), LIMITS.eventKey);
  if (key === '') throw reason('event_key must be a non-empty string');
  return key;
}

function minimumOf(raw: unknown): number {
  if (raw === undefined) return 1;
  if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw < 1) {
    throw reason(`minimum_event_count must be a positive integer (got ${JSON.stringify(raw) ?? String(raw)})`);
  }
  return raw;
}

function runMultipleOf(raw: unknown): boolean {
  if (raw === undefined) return false;
  if (typeof raw !== 'boolean') throw reason('run_multiple must be true or false');
  return raw;
}

/**
 * The engine's canonical copy is what runs: the host changing its object later changes nothing,
 * and groups that are empty after parsing (all items skipped) cost no query.
 */
function conditionsOf(raw: unknown, parse: ConditionsParser): unknown[] | null {
  if (raw === undefined || raw === null) return null;
  try {
    const groups = parse(raw);
    return groups.length > 0 ? groups : null;
  } catch (error) {
    if (isFcrmError(error)) throw reason(`conditions: ${error.message}`);
    throw error;
  }
}

/** One field's problem; parseTrigger adds which automation it belongs to. */
function reason(text: string): FcrmError {
  return new FcrmError('invalid_automation', text);
}

function invalid(text: string): FcrmError {
  return new FcrmError('invalid_automation', `Invalid automation: ${text.replace(/\.$/, '')}.`);
}
