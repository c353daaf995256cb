import { paymentParticipant } from '@dtx/contracts';
import type { MessageHandlers } from '@dtx/inbox';
import { choreographed, orchestrated, participantStep } from '@dtx/participant';
import { authorizePayment, capturePayment, compensatePayment } from './payments.js';

/** Holding an order's total on the customer's account, undone by voiding (or refunding) it. */
const paymentAuthorization = participantStep({
  resource: 'payment',
  action: { command: paymentParticipant.authorizePayment, name: 'authorize-payment', run: authorizePayment },
  compensation: {
    command: paymentParticipant.voidPayment,
    name: 'void-payment',
    run: (tx, { orderId }) => compensatePayment(tx, orderId),
  },
});

/** Taking the held amount once the order is confirmed. */
const paymentCapture = participantStep({
  resource: 'payment-capture',
  action: {
    command: paymentParticipant.capturePayment,
    name: 'capture-payment',
    run: (tx, { orderId }) => capturePayment(tx, orderId),
  },
});

/** Payment's part in the choreographed saga: it reacts to inventory's and the order's events. */
export function choreographyHandlers(): MessageHandlers {
  return {
    StockReserved: choreographed(paymentAuthorization.action, ({ orderId, customerId, total }) => ({
      orderId,
      customerId,
      amount: total,
    })),
    OrderConfirmed: choreographed(paymentCapture.action, ({ orderId }) => ({ orderId })),
    OrderCancelled: choreographed(paymentAuthorization.compensation, ({ orderId }) => ({ orderId })),
  };
}

/** Payment's part in the orchestrated saga: it answers the orchestrator's commands. */
export function orchestrationHandlers(): MessageHandlers {
  return orchestrated(paymentAuthorization, paymentCapture);
}

/** Everything payment consumes. */
export function paymentHandlers(): MessageHandlers {
  return { ...choreographyHandlers(), ...orchestrationHandlers() };
}
