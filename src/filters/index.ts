/** Contact filters on tracked events (FluentCRM's advanced filter format), for listings and automation conditions. */
export { compileFilterGroups } from './compileFilterGroups';
export type { CompileFilterOptions } from './compileFilterGroups';
export { parseFilterGroups, MAX_FILTER_ITEMS, MAX_KEYS_PER_ITEM, MAX_WITHIN_DAYS } from './parseFilterGroups';
export { checkContactMatches } from './checkContact';
export { FILTER_PROPERTIES, FILTER_SOURCE } from './filterTypes';
export type { FilterGroup, FilterItem, FilterOperator, FilterProperty } from './filterTypes';
export { ContactListing, LISTING_ALIAS } from './contactListing';
export type { ListingQueryHook } from './contactListing';
export { contactSearchCondition } from './contactSearch';
export { CONTACT_SORT_COLUMNS, DEFAULT_CONTACT_SORT, InvalidSortError, contactOrderBy, parseContactSort } from './contactSort';
export type { ContactSort, ContactSortColumn, SortDirection } from './contactSort';
export { listEventKeyOptions } from './eventKeyOptions';
export type { SelectOption, EventKeyOptionsQuery } from './eventKeyOptions';
export { DEFAULT_KEY_OPTIONS, MAX_KEY_OPTIONS } from './eventKeyOptions';
export type { PropertyType, PropertyTypeResolver } from '../properties/propertyTest';
