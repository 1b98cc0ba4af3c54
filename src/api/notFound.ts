/** FluentCRM's (Laravel's) message for a contact id that does not exist. */
export function subscriberNotFoundMessage(id: unknown): string {
  return `No query results for model [FluentCrm\\App\\Models\\Subscriber] ${String(id)}`;
}
