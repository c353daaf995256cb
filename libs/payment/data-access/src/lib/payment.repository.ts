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

/**
 * A 2PC charge in one statement: if the customer's spendable balance
 * (balance minus holds) covers `amount`, takes it from the balance (the
 * account row stays locked) and records the payment as CAPTURED; false when
 * it does not, or there is no account, and nothing is written.
 */
export async function captureIfCovered(
  tx: SqlTransaction,
  payment: { orderId: string; customerId: string; amount: number },
): Promise<boolean> {
  const captured = await tx.execute(
    `WITH charged AS (
       UPDATE accounts SET balance = balance - $3, updated_at = now()
        WHERE customer_id = $2 AND balance - reserved >= $3
       RETURNING customer_id)
     INSERT INTO payments (id, order_id, customer_id, amount, status)
     SELECT $4::uuid, $1::uuid, customer_id, $3, 'CAPTURED' FROM charged`,
    payment.orderId,
    payment.customerId,
    payment.amount,
    randomUUID(),
  );
  return captured === 1;
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
