/**
 * Compile-time tests of the DSL: each `@ts-expect-error` line must fail to
 * compile, or the build fails. Never called.
 */
import { inventoryParticipant, orderParticipant, paymentParticipant } from '@dtx/contracts';
import { defineSaga, invoke, localStep } from './saga-definition.js';

interface Data {
  orderId: string;
  customerId: string;
  total: number;
}

const policy = { timeoutMs: 1, maxAttempts: 1, patienceMs: 1, backoff: { initialDelayMs: 1, maxDelayMs: 1 } };
const saga = () =>
  defineSaga<Data>('check', { defaultPolicy: policy, attentionAfterAttempts: 1, withReason: (data) => data });
const authorize = (data: Data) => ({ orderId: data.orderId, customerId: data.customerId, amount: data.total });
const onFailure = { PaymentDeclined: (data: Data) => data };
const orderIdOf = (data: Data) => ({ orderId: data.orderId });

export function typeChecks(): void {
  // prettier-ignore
  saga()
    .compensatable('create', localStep<Data>().compensateWith(orderParticipant.rejectOrder, (data) => ({ orderId: data.orderId, reason: 'X' })))
    .compensatable('pay', invoke(paymentParticipant.authorizePayment, authorize, { onFailure }).compensateWith(paymentParticipant.voidPayment, (data) => ({ orderId: data.orderId })))
    .retriable('capture', invoke(paymentParticipant.capturePayment, (data: Data) => ({ orderId: data.orderId })).retriedUntilSuccess())
    .parallel('complete', { commit: invoke(inventoryParticipant.commitStock, orderIdOf).retriedUntilSuccess(), approve: invoke(orderParticipant.approveOrder, orderIdOf).retriedUntilSuccess() })
    .build();

  // prettier-ignore
  // @ts-expect-error a participant step before the pivot needs a compensation
  saga().compensatable('pay', invoke(paymentParticipant.authorizePayment, authorize, { onFailure }));

  // prettier-ignore
  // @ts-expect-error every failure outcome of the command must be handled
  invoke(paymentParticipant.authorizePayment, authorize);

  // prettier-ignore
  // @ts-expect-error only the command's own failure outcomes can be handled
  invoke(paymentParticipant.authorizePayment, authorize, { onFailure: { StockUnavailable: (data: Data) => data } });

  // prettier-ignore
  // @ts-expect-error a compensation has no reply handlers to attach
  invoke(paymentParticipant.authorizePayment, authorize, { onFailure }).compensateWith(paymentParticipant.voidPayment, (data) => ({ orderId: data.orderId }), { onFailure });

  // prettier-ignore
  // @ts-expect-error a command that can fail cannot be a retriable step
  invoke(paymentParticipant.authorizePayment, authorize, { onFailure }).retriedUntilSuccess();

  // prettier-ignore
  // @ts-expect-error no compensatable step after the pivot
  saga().retriable('capture', invoke(paymentParticipant.capturePayment, (data: Data) => ({ orderId: data.orderId })).retriedUntilSuccess()).compensatable('late', localStep<Data>().compensateWith(orderParticipant.rejectOrder, (data) => ({ orderId: data.orderId, reason: 'X' })));

  // prettier-ignore
  // @ts-expect-error the command must be built from the saga's data with the command's fields
  invoke(inventoryParticipant.releaseStock, (data: Data) => ({ order: data.orderId })).retriedUntilSuccess();

  // prettier-ignore
  // @ts-expect-error a step built for other saga data does not fit this saga
  saga().retriable('capture', invoke(paymentParticipant.capturePayment, (data: { id: string }) => ({ orderId: data.id })).retriedUntilSuccess());

  // prettier-ignore
  // @ts-expect-error a compensatable step cannot run in a parallel group
  saga().parallel('complete', { capture: invoke(paymentParticipant.capturePayment, orderIdOf).retriedUntilSuccess(), pay: invoke(paymentParticipant.authorizePayment, authorize, { onFailure }).compensateWith(paymentParticipant.voidPayment, orderIdOf) });

  // prettier-ignore
  // @ts-expect-error a step that can fail cannot run in a parallel group
  saga().parallel('complete', { capture: invoke(paymentParticipant.capturePayment, orderIdOf).retriedUntilSuccess(), pay: invoke(paymentParticipant.authorizePayment, authorize, { onFailure }) });

  // prettier-ignore
  // @ts-expect-error a step not declared retriable cannot run in a parallel group, even one that cannot fail
  saga().parallel('complete', { capture: invoke(paymentParticipant.capturePayment, orderIdOf).retriedUntilSuccess(), commit: invoke(inventoryParticipant.commitStock, orderIdOf) });

  // prettier-ignore
  // @ts-expect-error no compensatable step after a parallel group (it is past the pivot)
  saga().parallel('complete', { capture: invoke(paymentParticipant.capturePayment, orderIdOf).retriedUntilSuccess(), commit: invoke(inventoryParticipant.commitStock, orderIdOf).retriedUntilSuccess() }).compensatable('late', localStep<Data>().compensateWith(orderParticipant.rejectOrder, (data) => ({ orderId: data.orderId, reason: 'X' })));
}
