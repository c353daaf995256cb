import { guardAction, guardCompensation, sagaCommandHandler, type MessageHandlers } from '@dtx/inbox';
import { authorizePayment, capturePayment, compensatePayment } from './payments.js';

/** The saga step payment takes part in: authorising an order's total. */
const payment = (orderId: string) => ({ orderId, resource: 'payment' });
const paymentCapture = (orderId: string) => ({ orderId, resource: 'payment-capture' });
const choreography = (name: string) => ({ name, mode: 'choreography' as const });

/** Payment's part in the choreographed saga: it reacts to inventory's and the order's events. */
export function choreographyHandlers(): MessageHandlers {
  return {
    StockReserved: async ({ tx, message }) => {
      const { orderId, customerId, total } = message.payload;
      return (await guardAction(tx, payment(orderId), choreography('authorize-payment'), () => authorizePayment(tx, { orderId, customerId, amount: total }))).events;
    },
    OrderConfirmed: async ({ tx, message }) => {
      const { orderId, mode } = message.payload;
      return mode === 'choreography' ? (await guardAction(tx, paymentCapture(orderId), choreography('capture-payment'), () => capturePayment(tx, orderId))).events : [];
    },
    OrderCancelled: async ({ tx, message }) => {
      const { orderId, mode } = message.payload;
      return mode === 'choreography'
        ? (await guardCompensation(tx, payment(orderId), choreography('void-payment'), 'PaymentVoided', () => compensatePayment(tx, orderId))).events
        : [];
    },
  };
}

/** Payment's part in the orchestrated saga: it answers the orchestrator's commands. */
export function orchestrationHandlers(): MessageHandlers {
  return {
    AuthorizePayment: sagaCommandHandler<'AuthorizePayment'>({
      resource: 'payment',
      name: 'authorize-payment',
      kind: 'action',
      run: authorizePayment,
    }),
    VoidPayment: sagaCommandHandler<'VoidPayment'>({
      resource: 'payment',
      name: 'void-payment',
      kind: 'compensation',
      nullOutcome: 'PaymentVoided',
      run: (tx, command) => compensatePayment(tx, command.orderId),
    }),
    CapturePayment: sagaCommandHandler<'CapturePayment'>({
      resource: 'payment-capture',
      name: 'capture-payment',
      kind: 'action',
      run: (tx, command) => capturePayment(tx, command.orderId),
    }),
  };
}
