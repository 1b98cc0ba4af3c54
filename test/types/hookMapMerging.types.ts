/**
 * A third-party hook added to HookMap by declaration merging on the package name, as a plugin
 * would write it; it then gets the same checks as the runtime's own hooks.
 */
import type { HookRegistry } from 'fcrm-event-tracking';

declare module 'fcrm-event-tracking' {
  interface HookMap {
    'acme_shop/order_paid': [orderId: number, total: number, currency: string];
    'acme_shop/price': [price: number, currency: string];
  }
}

declare const hooks: HookRegistry;

hooks.addAction('acme_shop/order_paid', 'acme/mailer', (orderId, total, currency) => `${orderId}: ${total.toFixed(2)} ${currency}`);
hooks.doAction('acme_shop/order_paid', 7, 19.5, 'EUR');
// @ts-expect-error orderId is a number
hooks.addAction('acme_shop/order_paid', 'acme/mailer', (orderId: string) => orderId);
// @ts-expect-error the currency is missing
hooks.doAction('acme_shop/order_paid', 7, 19.5);

// A merged filter: callbacks return the value's type, applyFilters returns it.
hooks.addFilter('acme_shop/price', 'acme/vat', (price, currency) => (currency === 'EUR' ? price * 1.2 : price));
const price: number = hooks.applyFilters('acme_shop/price', 10, 'EUR');
// @ts-expect-error a filter of a number must return a number
hooks.addFilter('acme_shop/price', 'acme/vat', (price) => `${price}`);
// @ts-expect-error the result is a number
const wrong: string = hooks.applyFilters('acme_shop/price', price, 'EUR');
void wrong;
