import { Inject, Injectable } from '@nestjs/common';
import {
  findOrder,
  listOrders,
  type OrderDatabaseClient,
  type OrderFilter,
  type OrderView,
} from '@dtx/order-data-access';
import { DATABASE } from '@dtx/service-platform';

/** Reads orders from the order service's own database (the primary, so a read follows its write). */
@Injectable()
export class OrderQueriesService {
  constructor(@Inject(DATABASE) private readonly database: OrderDatabaseClient) {}

  find(orderId: string): Promise<OrderView | undefined> {
    return findOrder(this.database, orderId);
  }

  /** Newest first. */
  list(filter: OrderFilter): Promise<OrderView[]> {
    return listOrders(this.database, filter);
  }
}
