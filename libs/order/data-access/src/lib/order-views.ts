import type { OrderStatus } from './order.repository.js';
import type { OrderDatabaseClient } from './database-client.js';

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

export interface OrderFilter {
  customerId?: string;
  status?: OrderStatus;
  mode?: string;
  reason?: string;
  limit: number;
  /** Only orders after this one, newest first: where the previous page ended. */
  after?: { createdAt: Date; orderId: string };
}

export interface OrderViewPage {
  items: OrderView[];
  /** The last order of a full page, to continue from; absent on the last page. */
  last?: OrderView;
}

type OrderWithItems = Awaited<ReturnType<OrderDatabaseClient['order']['findUniqueOrThrow']>> & {
  items: { sku: string; quantity: number; unitPrice: bigint }[];
};

const withItems = { items: { orderBy: { lineNo: 'asc' } } } as const;

/** One order, read from the primary, so a read follows its write. */
export async function findOrder(database: OrderDatabaseClient, orderId: string): Promise<OrderView | undefined> {
  const order = await database.order.findUnique({ where: { id: orderId }, include: withItems });
  return order ? toView(order) : undefined;
}

/**
 * A page of orders, newest first, the id breaking ties of the same millisecond
 * (keyset paging: a page costs the same however deep it is, and orders placed
 * meanwhile do not shift the pages that follow).
 */
export async function listOrders(database: OrderDatabaseClient, filter: OrderFilter): Promise<OrderViewPage> {
  const { after } = filter;
  const orders = await database.order.findMany({
    where: {
      customerId: filter.customerId,
      status: filter.status,
      mode: filter.mode,
      reason: filter.reason,
      ...(after
        ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.orderId } }] }
        : {}),
    },
    include: withItems,
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    // One more than asked tells whether another page follows.
    take: filter.limit + 1,
  });
  const items = orders.slice(0, filter.limit).map(toView);
  return orders.length > filter.limit ? { items, last: items.at(-1) } : { items };
}

/** How many orders each mode has in each status (and cancellation reason). */
export async function countOrdersByOutcome(
  database: OrderDatabaseClient,
): Promise<{ mode: string; status: string; reason: string | null; count: number }[]> {
  const groups = await database.order.groupBy({ by: ['mode', 'status', 'reason'], _count: { _all: true } });
  return groups.map((group) => ({
    mode: group.mode,
    status: group.status,
    reason: group.reason,
    count: group._count._all,
  }));
}

/** 2PC orders still PENDING that were placed before `placedBefore`: their POST ended without an answer. */
export async function findUnfinishedTwoPhaseOrders(
  database: OrderDatabaseClient,
  placedBefore: Date,
  limit: number,
): Promise<string[]> {
  const orders = await database.order.findMany({
    where: { mode: '2pc', status: 'PENDING', createdAt: { lt: placedBefore } },
    select: { id: true },
    take: limit,
  });
  return orders.map((order) => order.id);
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
