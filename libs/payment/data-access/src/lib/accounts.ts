import type { SqlTransaction } from '@dtx/sql';
import type { PaymentDatabaseClient } from './database-client.js';

export interface AccountView {
  customerId: string;
  balance: number;
  reserved: number;
}

export interface PaymentView {
  paymentId: string;
  orderId: string;
  amount: number;
  status: string;
}

export type SetBalanceOutcome =
  | { kind: 'set'; account: AccountView }
  /** The new balance would not cover what pending authorisations hold. */
  | { kind: 'below-reserved'; reserved: number };

export async function findAccount(
  database: PaymentDatabaseClient,
  customerId: string,
): Promise<AccountView | undefined> {
  const account = await database.account.findUnique({ where: { customerId } });
  return account ? { customerId, balance: Number(account.balance), reserved: Number(account.reserved) } : undefined;
}

/** Sets a balance, with the account locked so no authorisation changes its holds meanwhile. */
export async function setBalance(tx: SqlTransaction, customerId: string, balance: number): Promise<SetBalanceOutcome> {
  const held = await tx.query<{ reserved: string }>(
    'SELECT reserved FROM accounts WHERE customer_id = $1 FOR UPDATE',
    customerId,
  );
  const reserved = Number(held[0]?.reserved ?? 0);
  if (balance < reserved) {
    return { kind: 'below-reserved', reserved };
  }
  const rows = await tx.query<{ balance: string; reserved: string }>(
    // deposited moves by the change in balance, so it always counts every unit of money ever put on the account.
    `INSERT INTO accounts (customer_id, balance, deposited) VALUES ($1, $2, $2)
     ON CONFLICT (customer_id) DO UPDATE SET
       balance = EXCLUDED.balance,
       deposited = accounts.deposited + (EXCLUDED.balance - accounts.balance),
       updated_at = now()
     RETURNING balance, reserved`,
    customerId,
    balance,
  );
  const row = rows[0];
  if (!row) {
    throw new Error(`account ${customerId} was not written`);
  }
  return { kind: 'set', account: { customerId, balance: Number(row.balance), reserved: Number(row.reserved) } };
}

/** An order's payments; with `customerId`, only if the order is that customer's. */
export async function paymentsOfOrder(
  database: PaymentDatabaseClient,
  orderId: string,
  customerId?: string,
): Promise<PaymentView[]> {
  const payments = await database.payment.findMany({
    where: { orderId, ...(customerId === undefined ? {} : { customerId }) },
    orderBy: { createdAt: 'asc' },
  });
  return payments.map((payment) => ({
    paymentId: payment.id,
    orderId: payment.orderId,
    amount: Number(payment.amount),
    status: payment.status,
  }));
}
