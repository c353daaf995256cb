import { Inject, Injectable } from '@nestjs/common';
import {
  findStockLevel,
  setAvailableStock,
  type InventoryDatabaseClient,
  type StockLevel,
} from '@dtx/inventory-data-access';
import { DATABASE } from '@dtx/service-platform';

/** Stock per SKU as the REST API reads and seeds it. */
@Injectable()
export class StockService {
  constructor(@Inject(DATABASE) private readonly database: InventoryDatabaseClient) {}

  find(sku: string): Promise<StockLevel | undefined> {
    return findStockLevel(this.database, sku);
  }

  /** Sets the units available for new orders; units already reserved stay reserved. */
  setAvailable(sku: string, available: number): Promise<StockLevel> {
    return setAvailableStock(this.database, sku, available);
  }
}
