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
  advancePayment,
  authorizeIfCovered,
  captureIfCovered,
  lockAccountsFirst,
  type AccountEffect,
  type PaymentRow,
  type PaymentStatus,
  type PaymentTransition,
} from './lib/payment.repository.js';
