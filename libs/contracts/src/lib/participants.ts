import type { z } from 'zod';
import type { MessageType, PayloadOf } from './message-catalog.js';
import type { sagaStepFields } from './saga-commands.js';

/** The outcome a participant gives an action that arrives after its compensation (a hanging action). */
export const ACTION_REFUSED = 'ActionRefused';

/** A command a participant accepts, and the outcomes it may reply with. */
export interface CommandSpec<Type extends MessageType, Success extends string, Failure extends string> {
  type: Type;
  participant: string;
  success: Success;
  failures: readonly Failure[];
}

/** What the saga supplies to build a command: everything but the saga, step and attempt. */
export type CommandArguments<Type extends MessageType> = Omit<
  PayloadOf<Type>,
  keyof z.infer<z.ZodObject<typeof sagaStepFields>>
>;

function command<Type extends MessageType, Success extends string, Failure extends string = never>(
  participant: string,
  type: Type,
  success: Success,
  failures: readonly Failure[] = [],
): CommandSpec<Type, Success, Failure> {
  return { type, participant, success, failures };
}

/** The inventory service, as a saga sees it. */
export const inventoryParticipant = {
  reserveStock: command('inventory', 'ReserveStock', 'StockReserved', ['StockUnavailable']),
  releaseStock: command('inventory', 'ReleaseStock', 'StockReleased'),
  commitStock: command('inventory', 'CommitStock', 'StockCommitted'),
};

/** The payment service, as a saga sees it. */
export const paymentParticipant = {
  authorizePayment: command('payment', 'AuthorizePayment', 'PaymentAuthorized', ['PaymentDeclined']),
  voidPayment: command('payment', 'VoidPayment', 'PaymentVoided'),
  capturePayment: command('payment', 'CapturePayment', 'PaymentCaptured'),
};

/** The order service, as a saga sees it. */
export const orderParticipant = {
  approveOrder: command('order', 'ApproveOrder', 'OrderApproved'),
  rejectOrder: command('order', 'RejectOrder', 'OrderRejected'),
};
