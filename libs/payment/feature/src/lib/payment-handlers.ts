import { paymentParticipant } from '@dtx/contracts';
import type { BatchLocks, MessageHandlers } from '@dtx/inbox';
import { lockAccountsFirst } from '@dtx/payment-data-access';
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

/** Its part in the choreographed saga that an order waits for: authorising the payment of an order whose stock is reserved. */
function choreographyStepHandlers(): MessageHandlers {
  return {
    StockReserved: choreographed(paymentAuthorization.action, ({ orderId, customerId, total }) => ({
      orderId,
      customerId,
      amount: total,
    })),
  };
}

/** Payment's part in the orchestrated saga: it answers the orchestrator's commands (the settling ones too: they travel with the others). */
function orchestrationHandlers(): MessageHandlers {
  return orchestrated(paymentAuthorization, paymentCapture);
}

/** The saga steps an order waits for, in both flows (the `saga-steps` lane). */
export function sagaStepHandlers(): MessageHandlers {
  return { ...choreographyStepHandlers(), ...orchestrationHandlers() };
}

/** Capturing or voiding a decided order's payment, which no one waits for (the `settlement` lane). */
export function settlementHandlers(): MessageHandlers {
  return {
    OrderConfirmed: choreographed(paymentCapture.action, ({ orderId }) => ({ orderId })),
    OrderCancelled: choreographed(paymentAuthorization.compensation, ({ orderId }) => ({ orderId })),
  };
}

/** Everything payment consumes. */
export function paymentHandlers(): MessageHandlers {
  return { ...sagaStepHandlers(), ...settlementHandlers() };
}

/**
 * A batch of either lane takes the accounts of all its orders first, in
 * customer order: each message moves one account, but a batch of
 * authorizations next to a batch of captures (the other lane, or another
 * replica) would otherwise lock customer A then B while the other locks B
 * then A. A batch of one message locks one account.
 */
export const lockAccountsOfBatchFirst: BatchLocks = async (tx, messages) => {
  if (messages.length < 2) {
    return;
  }
  const payloads = messages.map(({ payload }) => payload as { orderId?: string; customerId?: string });
  await lockAccountsFirst(
    tx,
    payloads.flatMap(({ customerId }) => (customerId ? [customerId] : [])),
    payloads.flatMap(({ orderId }) => (orderId ? [orderId] : [])),
  );
};
