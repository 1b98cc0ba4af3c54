// A consumer in another process (or on another machine): receives the done actions the server's
// JetStream relay publishes (FCRM_NATS_URL set for `npm start`), at least once, with explicit acks.
//
//   npm run build && FCRM_NATS_URL=nats://127.0.0.1:4222 node examples/nats-consumer.js
//
// Env: FCRM_NATS_URL (default nats://127.0.0.1:4222), DURABLE (default example-consumer),
// EVENT_KEYS (comma-separated; default all), FCRM_NATS_STREAM / FCRM_NATS_SUBJECT_PREFIX when not the defaults.
'use strict';
const { subscribeDoneActions } = require('fcrm-event-tracking');

async function main() {
  const subscription = await subscribeDoneActions({
    natsUrl: process.env.FCRM_NATS_URL || 'nats://127.0.0.1:4222',
    durable: process.env.DURABLE || 'example-consumer',
    eventKeys: process.env.EVENT_KEYS ? process.env.EVENT_KEYS.split(',') : undefined,
    stream: process.env.FCRM_NATS_STREAM || undefined,
    subjectPrefix: process.env.FCRM_NATS_SUBJECT_PREFIX || undefined,
    // Throwing here nak's the message: it comes back after 1 s, 5 s, … and is given up after 5 deliveries.
    async handler({ delivery, event, subscriber }, { deliveryCount }) {
      // A done action can arrive twice (at least once): act once per delivery.id where that matters.
      console.log(JSON.stringify({ delivery: delivery.id, event_key: event.event_key, counter: event.counter, email: subscriber.email, deliveryCount }));
    },
    onGiveUp({ message, error, deliveryCount }) {
      console.error(`gave up on delivery ${message ? message.delivery.id : '?'} after ${deliveryCount} attempts: ${error}`);
    },
  });
  console.error('consuming done actions; Ctrl+C stops');
  const stop = () => subscription.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
