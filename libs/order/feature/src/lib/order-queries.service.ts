import { Inject, Injectable } from '@nestjs/common';
import {
  findOrder,
  listOrders,
  type OrderDatabaseClient,
  type OrderFilter,
  type OrderView,
  type OrderViewPage,
} from '@dtx/order-data-access';
import { DATABASE } from '@dtx/service-platform';

/** Reads orders from the order service's own database (the primary, so a read follows its write). */
@Injectable()
export class OrderQueriesService {
  constructor(@Inject(DATABASE) private readonly database: OrderDatabaseClient) {}

  find(orderId: string): Promise<OrderView | undefined> {
    return findOrder(this.database, orderId);
  }

  /** A page, newest first. */
  list(filter: OrderFilter): Promise<OrderViewPage> {
    return listOrders(this.database, filter);
  }
}
