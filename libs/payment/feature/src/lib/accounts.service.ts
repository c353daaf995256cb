import { Inject, Injectable } from '@nestjs/common';
import type { PaymentDatabaseClient } from '@dtx/payment-data-access';
import { ApiError, DATABASE } from '@dtx/service-platform';

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

/** Accounts and payments as the REST API reads and seeds them. */
@Injectable()
export class AccountsService {
  constructor(@Inject(DATABASE) private readonly database: PaymentDatabaseClient) {}

  async findAccount(customerId: string): Promise<AccountView | undefined> {
    const account = await this.database.account.findUnique({ where: { customerId } });
    return account ? { customerId, balance: Number(account.balance), reserved: Number(account.reserved) } : undefined;
  }

  /** Sets a balance; refused when it would not cover the amounts held by pending authorisations. */
  async setBalance(customerId: string, balance: number): Promise<AccountView> {
    return this.database.$transaction(async (tx) => {
      const rows = await tx.$queryRawUnsafe<{ reserved: bigint }[]>(
        'SELECT reserved FROM accounts WHERE customer_id = $1 FOR UPDATE',
        customerId,
      );
      const reserved = Number(rows[0]?.reserved ?? 0);
      if (balance < reserved) {
        throw ApiError.conflict(`balance ${balance} would not cover the ${reserved} held by pending authorisations`, [
          { path: 'balance', message: `must be at least ${reserved}` },
        ]);
      }
      const account = await tx.account.upsert({
        where: { customerId },
        create: { customerId, balance: BigInt(balance) },
        update: { balance: BigInt(balance) },
      });
      return { customerId, balance: Number(account.balance), reserved: Number(account.reserved) };
    });
  }

  async paymentsOfOrder(orderId: string): Promise<PaymentView[]> {
    const payments = await this.database.payment.findMany({ where: { orderId }, orderBy: { createdAt: 'asc' } });
    return payments.map((payment) => ({
      paymentId: payment.id,
      orderId: payment.orderId,
      amount: Number(payment.amount),
      status: payment.status,
    }));
  }
}
