// An automation plugin: when a contact's `order_placed` counter reaches 3, add a `loyal_customer`
// event to that contact (once per contact, ever; FluentCRM Pro's "Tracking Event Recorded" + "Add Event").
//
//   FCRM_PLUGINS=examples/follow-up.js npm start
'use strict';

module.exports = function followUp(rt, { logger }) {
  rt.automations.onEventRecorded(
    { id: 'example-loyal-customer', event_key: 'order_placed', minimum_event_count: 3 },
    async ({ subscriber, event, addEvent }) => {
      await addEvent({ event_key: 'loyal_customer', title: 'Loyal customer', value: `after ${event.counter} orders`, provider: 'follow-up-example' });
      logger.info({ subscriberId: subscriber.id }, 'follow-up: loyal_customer added');
    },
  );
};
