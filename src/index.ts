export { createEventTracking } from './createEventTracking';
export type { EventTrackingOptions, EventTrackingRuntime } from './createEventTracking';
export type { ApiAccessor, ContactsApi, EventTrackerApi, GetEventsOptions, TrackEventData } from './api';
export type { ActingUser } from './context/actingUser';
export { addEventAction, AutomationFailedError, MAX_CHAIN_DEPTH } from './automation';
export type {
  AddEventData,
  AutomationHandler,
  AutomationRun,
  Automations,
  EventRecordedTrigger,
  EventTrackerHost,
  RunStatus,
} from './automation';
export type { ContactInput } from './contacts/contactInput';
export type { ContactBatchResult } from './contacts/contactBatch';
export { MAX_CONTACT_BATCH } from './contacts/contactBatch';
export type { ContactListItem, ContactQueryOptions } from './api/contactsApi';
export { EMBEDDED_EVENTS } from './api/contactsApi';
export { parseFilterGroups, FILTER_PROPERTIES } from './filters';
export type { FilterGroup, FilterItem, FilterOperator, FilterProperty } from './filters';
export type { ContactRecord } from './contacts/contactRecord';
export { DatabaseUnavailableError, FcrmError, isFcrmError, ServerBusyError } from './errors';
export type { ErrorCode } from './errors';
export type { Paginator, PageLink } from './pagination/paginator';
export { DEFAULT_PER_PAGE, MAX_PER_PAGE } from './pagination/pageParams';
export type { TrackedEventListItem, TrackedEventRecord } from './tracking/eventRecord';
export type { UserEmailResolver } from './tracking/resolveContact';
export type { Logger } from './runtime/logger';
export { consoleLogger, silentLogger } from './runtime/logger';
export { HOOKS } from '../hooks/hookNames';
export type { HookRegistry } from '../hooks/registry';
export type {
  ActionListener,
  CheckedHookName,
  Delivery,
  FilterListener,
  FireDoneFlag,
  HookArgs,
  HookMap,
  KnownHookName,
  LooseHookCallback,
} from '../hooks/hookMap';
export { createHookRegistry } from '../hooks/registry';
export { Subscriber, TrackedEvent, SUBSCRIBER_STATUSES } from '../entities';
export type { SubscriberStatus } from '../entities';
export { startServer } from './server/startServer';
export type { ServerLimits, StartedServer, StartServerOptions } from './server/startServer';
export type { ServerConfig } from './server/config';
export { buildServer, BODY_LIMIT } from './rest/buildServer';
export type { BuildServerOptions } from './rest/buildServer';
export { CredentialStore } from './auth/credentialStore';
export { loadPlugins, PluginError } from './plugins/loadPlugins';
export type { Plugin, PluginContext, PluginSpec } from './plugins/pluginTypes';
export { InvalidPropertiesError } from './definitions/invalidPropertiesError';
export type { PropertyError } from './definitions/invalidPropertiesError';
export type { DefinitionsSnapshot, DefinitionMode } from './definitions/definitionsSnapshot';
export type { DeclaredPropertyType } from './definitions/propertyType';
export type { EventDefinitionsApi, EventDefinitionRecord, EventDefinitionDetail, PutEventDefinition } from './api';
export type { RetentionOptions } from './retention/retentionSettings';
export type { PruneReport } from './retention/pruner';
export type { RetentionRule } from './retention/retentionRules';
export type { Privacy } from './privacy/privacy';
export type { ErasedRows } from './privacy/eraseContact';
export { asSuppressedError } from './contacts/suppression';
export type { RuntimeOperations, OperationsOptions } from './ops/runtimeOperations';
export type { ReadinessReport, ReadinessOptions, CheckState } from './ops/readiness';
export type { Tracing, TracingOptions } from './ops/tracing';
export type { Entrance } from './ops/entrance';
export { subscribeDoneActions } from './relay/subscribeDoneActions';
export type { DoneActionContext, DoneActionFailure, DoneActionSubscription, SubscribeDoneActionsOptions } from './relay/subscribeDoneActions';
export type { DoneActionMessage } from './relay/doneActionMessage';
export type { RelayOptions } from './relay/relaySettings';
export { encodeSubjectToken, decodeSubjectToken } from './relay/subjectToken';
