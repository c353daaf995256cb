import { randomUUID } from 'node:crypto';
import type { SqlTransaction } from '@dtx/sql';

export type PaymentStatus = 'AUTHORIZED' | 'CAPTURED' | 'REFUNDED' | 'VOIDED' | 'DECLINED';

export interface PaymentRow {
  id: string;
  customerId: string;
  amount: number;
  status: PaymentStatus;
}

/** The order's payment, locked for the rest of the transaction. */
export async function findPaymentForUpdate(tx: SqlTransaction, orderId: string): Promise<PaymentRow | undefined> {
  const rows = await tx.query<{ id: string; customer_id: string; amount: bigint; status: PaymentStatus }>(
    'SELECT id, customer_id, amount, status FROM payments WHERE order_id = $1::uuid FOR UPDATE',
    orderId,
  );
  const row = rows[0];
  return row && { id: row.id, customerId: row.customer_id, amount: Number(row.amount), status: row.status };
}

export async function insertPayment(
  tx: SqlTransaction,
  payment: { orderId: string; customerId: string; amount: number; status: PaymentStatus },
): Promise<string> {
  const id = randomUUID();
  await tx.execute(
    'INSERT INTO payments (id, order_id, customer_id, amount, status) VALUES ($1::uuid, $2::uuid, $3, $4, $5)',
    id,
    payment.orderId,
    payment.customerId,
    payment.amount,
    payment.status,
  );
  return id;
}

export async function setPaymentStatus(tx: SqlTransaction, paymentId: string, status: PaymentStatus): Promise<void> {
  await tx.execute('UPDATE payments SET status = $2, updated_at = now() WHERE id = $1::uuid', paymentId, status);
}

/** Money the customer can still spend (balance minus holds), with the account row locked; undefined without an account. */
export async function lockSpendableBalance(tx: SqlTransaction, customerId: string): Promise<number | undefined> {
  const rows = await tx.query<{ spendable: bigint }>(
    'SELECT balance - reserved AS spendable FROM accounts WHERE customer_id = $1 FOR UPDATE',
    customerId,
  );
  return rows[0] === undefined ? undefined : Number(rows[0].spendable);
}

/** Changes an account's balance and held amount together (the checks in the table forbid going below zero). */
export async function adjustAccount(
  tx: SqlTransaction,
  customerId: string,
  change: { balance: number; reserved: number },
): Promise<void> {
  await tx.execute(
    'UPDATE accounts SET balance = balance + $2, reserved = reserved + $3, updated_at = now() WHERE customer_id = $1',
    customerId,
    change.balance,
    change.reserved,
  );
}
