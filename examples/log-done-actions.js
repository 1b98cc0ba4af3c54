// A listener plugin: logs every done action (an event tracked with fireDone) through the server's logger.
//
//   FCRM_PLUGINS=examples/log-done-actions.js npm start
'use strict';

module.exports = function logDoneActions(rt, { logger }) {
  rt.hooks.addAction('fluent_crm/track_event_activity_done', 'examples/log-done-actions', (event, subscriber, delivery) => {
    logger.info(
      { eventId: event.id, eventKey: event.event_key, counter: event.counter, subscriberId: subscriber.id, deliveryId: delivery ? delivery.id : null },
      'done action',
    );
  });
};
