import type { OrderMode, RequestedLine } from '@dtx/contracts';

/** What the chaos run expects of an order if no fault got in its way. */
export type ExpectedOutcome = 'CONFIRMED' | 'PAYMENT_DECLINED' | 'OUT_OF_STOCK';

export interface PlannedOrder {
  index: number;
  mode: OrderMode;
  customerId: string;
  items: RequestedLine[];
  expected: ExpectedOutcome;
}

/** The customers and SKUs a chaos run seeds. */
export const catalog = {
  customers: Array.from({ length: 20 }, (_, index) => `chaos-customer-${index + 1}`),
  /** A balance of zero: every order of theirs is declined. */
  poorCustomer: 'chaos-poor',
  skus: Array.from({ length: 10 }, (_, index) => `CHAOS-SKU-${index + 1}`),
  /** No stock: every order of it is OUT_OF_STOCK. */
  soldOutSku: 'CHAOS-SOLD-OUT',
  stockPerSku: 1_000_000,
  balance: 1_000_000_000,
  /** Every SKU's catalog price. */
  unitPrice: 250,
};

const MODES: readonly OrderMode[] = ['choreography', 'orchestration', '2pc'];

/**
 * Order number `index` of the run: the modes in turn; of every ten orders in
 * a mode, two are declined (20%) and one is out of stock (10%). Fixed by the
 * index, so two runs place the same orders.
 */
export function planOrder(index: number): PlannedOrder {
  const mode = MODES[index % MODES.length] ?? 'choreography';
  const slot = Math.floor(index / MODES.length) % 10;
  const expected: ExpectedOutcome = slot < 2 ? 'PAYMENT_DECLINED' : slot === 2 ? 'OUT_OF_STOCK' : 'CONFIRMED';
  const customerId =
    expected === 'PAYMENT_DECLINED'
      ? catalog.poorCustomer
      : (catalog.customers[index % catalog.customers.length] ?? '');
  const sku = expected === 'OUT_OF_STOCK' ? catalog.soldOutSku : (catalog.skus[index % catalog.skus.length] ?? '');
  return { index, mode, customerId, items: [{ sku, quantity: 1 + (index % 3) }], expected };
}
