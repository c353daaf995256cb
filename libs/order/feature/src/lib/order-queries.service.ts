import { Inject, Injectable } from '@nestjs/common';
import type { OrderDatabaseClient } from '@dtx/order-data-access';
import { DATABASE } from '@dtx/service-platform';
import type { OrderStatus } from './order.repository.js';

export interface OrderView {
  orderId: string;
  customerId: string;
  items: { sku: string; quantity: number; unitPrice: number }[];
  total: number;
  status: OrderStatus;
  reason?: string;
  mode: string;
  createdAt: string;
  updatedAt: string;
  traceId: string | null;
}

type OrderWithItems = Awaited<ReturnType<OrderDatabaseClient['order']['findUniqueOrThrow']>> & {
  items: { sku: string; quantity: number; unitPrice: bigint }[];
};

/** Reads orders from the order service's own database (the primary, so a read follows its write). */
@Injectable()
export class OrderQueriesService {
  constructor(@Inject(DATABASE) private readonly database: OrderDatabaseClient) {}

  async find(orderId: string): Promise<OrderView | undefined> {
    const order = await this.database.order.findUnique({
      where: { id: orderId },
      include: { items: { orderBy: { lineNo: 'asc' } } },
    });
    return order ? toView(order) : undefined;
  }

  /** Newest first. */
  async list(filter: { customerId?: string; status?: OrderStatus; limit: number }): Promise<OrderView[]> {
    const orders = await this.database.order.findMany({
      where: { customerId: filter.customerId, status: filter.status },
      include: { items: { orderBy: { lineNo: 'asc' } } },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: filter.limit,
    });
    return orders.map(toView);
  }
}

function toView(order: OrderWithItems): OrderView {
  return {
    orderId: order.id,
    customerId: order.customerId,
    items: order.items.map((item) => ({ sku: item.sku, quantity: item.quantity, unitPrice: Number(item.unitPrice) })),
    total: Number(order.totalAmount),
    status: order.status as OrderStatus,
    ...(order.reason ? { reason: order.reason } : {}),
    mode: order.mode,
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
    traceId: order.traceId,
  };
}
