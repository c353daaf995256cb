export * from './generated/prisma/client.js';
export { createPaymentDatabaseClient, type PaymentDatabaseClient } from './lib/database-client.js';
export {
  findAccount,
  paymentsOfOrder,
  setBalance,
  type AccountView,
  type PaymentView,
  type SetBalanceOutcome,
} from './lib/accounts.js';
export {
  adjustAccount,
  advancePayment,
  captureIfCovered,
  holdOnAccount,
  insertPayment,
  type PaymentRow,
  type PaymentStatus,
} from './lib/payment.repository.js';
