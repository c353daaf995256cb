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

/** The saga steps an order waits for, in both flows (the `saga-steps` lane). */
export function sagaStepHandlers(): MessageHandlers {
  return {
    StockReserved: choreographed(paymentAuthorization.action, ({ orderId, customerId, total }) => ({
      orderId,
      customerId,
      amount: total,
    })),
    ...orchestrated(paymentAuthorization),
  };
}

/** Settling a decided order's payment, which no one waits for (the `settlement` lane): capturing or voiding it in choreography, capturing it in orchestration. */
export function settlementHandlers(): MessageHandlers {
  return {
    OrderConfirmed: choreographed(paymentCapture.action, ({ orderId }) => ({ orderId })),
    OrderCancelled: choreographed(paymentAuthorization.compensation, ({ orderId }) => ({ orderId })),
    ...orchestrated(paymentCapture),
  };
}

/** Everything payment consumes. */
export function paymentHandlers(): MessageHandlers {
  return { ...sagaStepHandlers(), ...settlementHandlers() };
}
