import { randomUUID } from 'node:crypto';
import type { SqlTransaction } from '@dtx/sql';

export type PaymentStatus = 'AUTHORIZED' | 'CAPTURED' | 'REFUNDED' | 'VOIDED' | 'DECLINED';

export interface PaymentRow {
  id: string;
  customerId: string;
  amount: number;
  status: PaymentStatus;
}

/**
 * Moves the order's payment from one status to the next in one statement,
 * where it is in a `from` status; returns the payment as it now is, or
 * undefined when there was no such payment (nothing to do).
 */
export async function advancePayment(
  tx: SqlTransaction,
  orderId: string,
  transitions: Partial<Record<PaymentStatus, PaymentStatus>>,
): Promise<PaymentRow | undefined> {
  const [from, to] = [Object.keys(transitions), Object.values(transitions)];
  const rows = await tx.query<{ id: string; customer_id: string; amount: bigint; status: PaymentStatus }>(
    `UPDATE payments AS p SET status = t.next, updated_at = now()
       FROM unnest($2::text[], $3::text[]) AS t(current, next)
      WHERE p.order_id = $1::uuid AND p.status = t.current
      RETURNING p.id, p.customer_id, p.amount, p.status`,
    orderId,
    from,
    to,
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

/** Money the customer can still spend (balance minus holds), with the account row locked; undefined without an account. */
export async function lockSpendableBalance(tx: SqlTransaction, customerId: string): Promise<number | undefined> {
  const rows = await tx.query<{ spendable: bigint }>(
    'SELECT balance - reserved AS spendable FROM accounts WHERE customer_id = $1 FOR UPDATE',
    customerId,
  );
  return rows[0] === undefined ? undefined : Number(rows[0].spendable);
}

/**
 * Holds `amount` on the account if its spendable balance (balance minus
 * holds) covers it, in one statement; false when it does not, or there is no
 * account.
 */
export async function holdOnAccount(tx: SqlTransaction, customerId: string, amount: number): Promise<boolean> {
  const held = await tx.execute(
    `UPDATE accounts SET reserved = reserved + $2, updated_at = now()
      WHERE customer_id = $1 AND balance - reserved >= $2`,
    customerId,
    amount,
  );
  return held === 1;
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
