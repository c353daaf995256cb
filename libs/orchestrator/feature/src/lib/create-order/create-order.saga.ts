import { inventoryParticipant, orderParticipant, paymentParticipant, type OrderLine } from '@dtx/contracts';
import { defineSaga, invoke, localStep, type SagaDefinition, type StepPolicy } from '@dtx/saga';

export interface CreateOrderSagaData {
  orderId: string;
  customerId: string;
  items: OrderLine[];
  total: number;
  /** Why the order is cancelled, once it is: OUT_OF_STOCK, PAYMENT_DECLINED or TIMEOUT. */
  reason?: string;
}

const orderIdOf = (data: CreateOrderSagaData) => ({ orderId: data.orderId });

/**
 * The create-order saga. Until payment is authorised (the pivot) every step
 * can be undone, in reverse order; after it, the steps cannot fail for good
 * and are retried until they succeed. None of those needs another's result,
 * so they are sent together: one round trip to the participants, not three in a row.
 */
export function createOrderSaga(
  defaultPolicy: StepPolicy,
  attentionAfterAttempts = 10,
): SagaDefinition<CreateOrderSagaData> {
  return defineSaga<CreateOrderSagaData>('create-order', {
    defaultPolicy,
    attentionAfterAttempts,
    withReason: (data, reason) => ({ ...data, reason }),
  })
    .compensatable(
      'create-order',
      localStep<CreateOrderSagaData>().compensateWith(orderParticipant.rejectOrder, (data) => ({
        orderId: data.orderId,
        reason: data.reason ?? 'CANCELLED',
      })),
    )
    .compensatable(
      'reserve-stock',
      invoke(
        inventoryParticipant.reserveStock,
        (data: CreateOrderSagaData) => ({
          orderId: data.orderId,
          customerId: data.customerId,
          items: data.items,
          total: data.total,
        }),
        { onFailure: { StockUnavailable: (data) => ({ ...data, reason: 'OUT_OF_STOCK' }) } },
      ).compensateWith(inventoryParticipant.releaseStock, orderIdOf),
    )
    .compensatable(
      'authorize-payment',
      invoke(
        paymentParticipant.authorizePayment,
        (data: CreateOrderSagaData) => ({
          orderId: data.orderId,
          customerId: data.customerId,
          amount: data.total,
        }),
        { onFailure: { PaymentDeclined: (data) => ({ ...data, reason: 'PAYMENT_DECLINED' }) } },
      ).compensateWith(paymentParticipant.voidPayment, orderIdOf),
    )
    .parallel('complete-order', {
      'capture-payment': invoke(paymentParticipant.capturePayment, orderIdOf).retriedUntilSuccess(),
      'commit-stock': invoke(inventoryParticipant.commitStock, orderIdOf).retriedUntilSuccess(),
      'approve-order': invoke(orderParticipant.approveOrder, orderIdOf).retriedUntilSuccess(),
    })
    .build();
}
