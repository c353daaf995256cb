import { Inject, Injectable } from '@nestjs/common';
import type { InventoryDatabaseClient } from '@dtx/inventory-data-access';
import { DATABASE } from '@dtx/service-platform';

export interface StockLevel {
  sku: string;
  available: number;
  reserved: number;
}

/** Stock per SKU as the REST API reads and seeds it. */
@Injectable()
export class StockService {
  constructor(@Inject(DATABASE) private readonly database: InventoryDatabaseClient) {}

  async find(sku: string): Promise<StockLevel | undefined> {
    const item = await this.database.stockItem.findUnique({ where: { sku } });
    return item ? { sku: item.sku, available: item.available, reserved: item.reserved } : undefined;
  }

  /** Sets the units available for new orders; units already reserved stay reserved. */
  async setAvailable(sku: string, available: number): Promise<StockLevel> {
    const item = await this.database.stockItem.upsert({
      where: { sku },
      create: { sku, available },
      update: { available },
    });
    return { sku: item.sku, available: item.available, reserved: item.reserved };
  }
}
