import { randomUUID } from 'node:crypto';
import { executeOrDefer, type SqlTransaction } from '@dtx/sql';

export type PaymentStatus = 'AUTHORIZED' | 'CAPTURED' | 'REFUNDED' | 'VOIDED' | 'DECLINED';

export interface PaymentRow {
  id: string;
  customerId: string;
  amount: number;
  status: PaymentStatus;
}

/** What a payment's move does to its customer's account: the amount is added (1), taken (-1) or left (0). */
export interface AccountEffect {
  balance: -1 | 0 | 1;
  held: -1 | 0 | 1;
}

/** A payment's move to its next status, and what that does to the account. */
export type PaymentTransition = { to: PaymentStatus } & AccountEffect;

/**
 * Locks, in customer order, the accounts of `customerIds` and of the
 * customers who pay the orders (the accounts their payments' moves change).
 * A batch that takes these first takes no account lock later that another
 * batch could hold while waiting for one of its own. Deferred where the
 * transaction can: no answer is needed.
 */
export async function lockAccountsFirst(
  tx: SqlTransaction,
  customerIds: readonly string[],
  orderIds: readonly string[],
): Promise<void> {
  await executeOrDefer(
    tx,
    `SELECT FROM accounts
      WHERE customer_id = ANY($1::text[])
         OR customer_id IN (SELECT customer_id FROM payments WHERE order_id = ANY($2::uuid[]))
      ORDER BY customer_id FOR UPDATE`,
    [...customerIds],
    [...orderIds],
  );
}

/**
 * Moves the order's payment from its status to the next, where `transitions`
 * has one for it, and applies the move's effect to the customer's account,
 * in one statement; returns the payment as it now is, or undefined when there
 * was no such payment (nothing to do).
 */
export async function advancePayment(
  tx: SqlTransaction,
  orderId: string,
  transitions: Partial<Record<PaymentStatus, PaymentTransition>>,
): Promise<PaymentRow | undefined> {
  const moves = Object.entries(transitions);
  const rows = await tx.query<{ id: string; customer_id: string; amount: bigint; status: PaymentStatus }>(
    `WITH moved AS (
       UPDATE payments AS p SET status = t.next, updated_at = now()
         FROM unnest($2::text[], $3::text[], $4::int[], $5::int[]) AS t(current, next, balance, held)
        WHERE p.order_id = $1::uuid AND p.status = t.current
       RETURNING p.id, p.customer_id, p.amount, p.status, t.balance, t.held),
     adjusted AS (
       UPDATE accounts AS a
          SET balance = a.balance + moved.balance * moved.amount, reserved = a.reserved + moved.held * moved.amount,
              updated_at = now()
         FROM moved
        WHERE a.customer_id = moved.customer_id)
     SELECT id, customer_id, amount, status FROM moved`,
    orderId,
    moves.map(([from]) => from),
    moves.map(([, move]) => move.to),
    moves.map(([, move]) => move.balance),
    moves.map(([, move]) => move.held),
  );
  const row = rows[0];
  return row && { id: row.id, customerId: row.customer_id, amount: Number(row.amount), status: row.status };
}

/**
 * Authorizes a saga's payment in one statement: holds `amount` on the
 * account if its spendable balance (balance minus holds) covers it, and
 * records the payment as AUTHORIZED, or as DECLINED when it does not (or
 * there is no account). Returns the payment.
 */
export async function authorizeIfCovered(
  tx: SqlTransaction,
  payment: { orderId: string; customerId: string; amount: number },
): Promise<{ id: string; status: 'AUTHORIZED' | 'DECLINED' }> {
  const id = randomUUID();
  const rows = await tx.query<{ status: 'AUTHORIZED' | 'DECLINED' }>(
    `WITH held AS (
       UPDATE accounts SET reserved = reserved + $3, updated_at = now()
        WHERE customer_id = $2 AND balance - reserved >= $3
       RETURNING customer_id)
     INSERT INTO payments (id, order_id, customer_id, amount, status)
     SELECT $4::uuid, $1::uuid, $2, $3, CASE WHEN EXISTS (SELECT FROM held) THEN 'AUTHORIZED' ELSE 'DECLINED' END
     RETURNING status`,
    payment.orderId,
    payment.customerId,
    payment.amount,
    id,
  );
  const status = rows[0]?.status;
  if (status === undefined) {
    throw new Error(`payment of order ${payment.orderId} was not recorded`);
  }
  return { id, status };
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
