export { Subscriber, SUBSCRIBER_STATUSES } from './Subscriber';
export type { SubscriberStatus } from './Subscriber';
export { TrackedEvent } from './TrackedEvent';
