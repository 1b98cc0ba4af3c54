import type { ContactsApi } from './contactsApi';
import type { EventDefinitionsApi } from './eventDefinitionsApi';
import type { EventTrackerApi } from './eventTrackerApi';

export interface ApiModules {
  event_tracker: EventTrackerApi;
  contacts: ContactsApi;
  event_definitions: EventDefinitionsApi;
}

/** FluentCRM's `FluentCrmApi($name)`: `api('event_tracker')`, `api('contacts')`. */
export interface ApiAccessor {
  <K extends keyof ApiModules>(name: K): ApiModules[K];
}

export function createApiAccessor(modules: ApiModules): ApiAccessor {
  return <K extends keyof ApiModules>(name: K): ApiModules[K] => {
    if (!Object.prototype.hasOwnProperty.call(modules, name)) {
      throw new TypeError(`Unknown API module "${String(name)}"; available: ${Object.keys(modules).join(', ')}`);
    }
    return modules[name];
  };
}

export type { ContactsApi } from './contactsApi';
export type { EventDefinitionsApi, EventDefinitionRecord, EventDefinitionDetail, PutEventDefinition } from './eventDefinitionsApi';
export type { EventTrackerApi, GetEventsOptions, TrackEventData } from './eventTrackerApi';
