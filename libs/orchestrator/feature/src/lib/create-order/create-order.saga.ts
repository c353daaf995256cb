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

/**
 * The create-order saga. Until payment is authorised (the pivot) every step
 * can be undone, in reverse order; after it, the steps cannot fail for good
 * and are retried until they succeed.
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
      ).compensateWith(inventoryParticipant.releaseStock, (data) => ({ orderId: data.orderId })),
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
      ).compensateWith(paymentParticipant.voidPayment, (data) => ({ orderId: data.orderId })),
    )
    .retriable(
      'capture-payment',
      invoke(paymentParticipant.capturePayment, (data: CreateOrderSagaData) => ({
        orderId: data.orderId,
      })).retriedUntilSuccess(),
    )
    .retriable(
      'commit-stock',
      invoke(inventoryParticipant.commitStock, (data: CreateOrderSagaData) => ({
        orderId: data.orderId,
      })).retriedUntilSuccess(),
    )
    .retriable(
      'approve-order',
      invoke(orderParticipant.approveOrder, (data: CreateOrderSagaData) => ({
        orderId: data.orderId,
      })).retriedUntilSuccess(),
    )
    .build();
}
