export { createWebhooks, type WebhooksApi, type WebhookOptions, type WebhookRecord, type DeliveryRecord } from './webhooks';
export type { RetrySchedule } from './backoff';
