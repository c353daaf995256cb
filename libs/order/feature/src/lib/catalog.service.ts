import { Inject, Injectable } from '@nestjs/common';
import { findCatalogPrice, setCatalogPrice, type CatalogPrice } from '@dtx/order-data-access';
import { SQL_POOL } from '@dtx/service-platform';
import { PgExecutor, type SqlExecutor } from '@dtx/sql';
import type pg from 'pg';

/** The prices orders are placed at (PUT and GET /catalog/:sku). */
@Injectable()
export class CatalogService {
  private readonly database: SqlExecutor;

  constructor(@Inject(SQL_POOL) pool: pg.Pool) {
    this.database = new PgExecutor(pool);
  }

  price(sku: string): Promise<CatalogPrice | undefined> {
    return findCatalogPrice(this.database, sku);
  }

  setPrice(sku: string, unitPrice: number): Promise<CatalogPrice> {
    return setCatalogPrice(this.database, sku, unitPrice);
  }
}
