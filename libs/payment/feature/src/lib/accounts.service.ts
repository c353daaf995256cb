import { Inject, Injectable } from '@nestjs/common';
import {
  findAccount,
  paymentsOfOrder,
  setBalance,
  type AccountView,
  type PaymentDatabaseClient,
  type PaymentView,
  type SetBalanceOutcome,
} from '@dtx/payment-data-access';
import { DATABASE, SQL_POOL } from '@dtx/service-platform';
import { transactionRunner, type TransactionRunner } from '@dtx/sql';
import type pg from 'pg';

/** Accounts and payments as the REST API reads and seeds them. */
@Injectable()
export class AccountsService {
  private readonly transaction: TransactionRunner;

  constructor(
    @Inject(DATABASE) private readonly database: PaymentDatabaseClient,
    @Inject(SQL_POOL) pool: pg.Pool,
  ) {
    this.transaction = transactionRunner(pool);
  }

  findAccount(customerId: string): Promise<AccountView | undefined> {
    return findAccount(this.database, customerId);
  }

  /** Sets a balance; refused when it would not cover the amounts held by pending authorisations. */
  setBalance(customerId: string, balance: number): Promise<SetBalanceOutcome> {
    return this.transaction((tx) => setBalance(tx, customerId, balance));
  }

  /** An order's payments; with `customerId`, only if the order is that customer's. */
  paymentsOfOrder(orderId: string, customerId?: string): Promise<PaymentView[]> {
    return paymentsOfOrder(this.database, orderId, customerId);
  }
}
