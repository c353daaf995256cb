import type { RequestedLine } from '@dtx/contracts';
import type { ShopClient } from '@dtx/shop-client';
import type { SeededRandom } from './seeded-random.js';

/** How many customers and SKUs a run seeds. */
export interface CatalogShape {
  customers: number;
  /** Customers with a zero balance: every order of theirs is declined. */
  poorCustomers: number;
  skus: number;
}

export interface Catalog {
  customers: string[];
  poorCustomers: string[];
  skus: string[];
  hotSku: string;
}

export interface PlannedOrder {
  customerId: string;
  /** Priced by the order service from the catalog, as a client that does not choose prices sends them. */
  items: RequestedLine[];
  /** Placed by a customer whose balance cannot cover it. */
  expectDecline: boolean;
}

/** Chooses the content of order number `index`; seeded, so a run can be repeated exactly. */
export type OrderPlanner = (index: number) => PlannedOrder;

/** Stock no run can exhaust (fits the int column), and balances no run can spend. */
const AMPLE_STOCK = 1_000_000_000;
const AMPLE_BALANCE = 1_000_000_000_000;

/** Names of the catalog; every system has fresh databases, so plain numbering is unique enough. */
export function catalogOf(shape: CatalogShape): Catalog {
  const numbered = (prefix: string, count: number) =>
    Array.from({ length: count }, (_, index) => `${prefix}${String(index + 1).padStart(5, '0')}`);
  return {
    customers: numbered('bench-customer-', shape.customers),
    poorCustomers: numbered('bench-poor-', shape.poorCustomers),
    skus: numbered('BENCH-SKU-', shape.skus),
    hotSku: 'BENCH-HOT',
  };
}

/** A SKU's catalog price, 1.00 to 99.99: fixed by its name, so that runs are repeatable. */
export function priceOf(sku: string): number {
  let hash = 0;
  for (const character of sku) {
    hash = (hash * 31 + character.charCodeAt(0)) % 9_900;
  }
  return 100 + hash;
}

/** Seeds prices, stock and balances over REST, a few requests at a time. */
export async function seedCatalog(api: ShopClient, catalog: Catalog, concurrency = 16): Promise<void> {
  const tasks: (() => Promise<unknown>)[] = [
    ...[...catalog.skus, catalog.hotSku].map((sku) => () => api.setPrice(sku, priceOf(sku))),
    ...[...catalog.skus, catalog.hotSku].map((sku) => () => api.setStock(sku, AMPLE_STOCK)),
    ...catalog.customers.map((customer) => () => api.setBalance(customer, AMPLE_BALANCE)),
    ...catalog.poorCustomers.map((customer) => () => api.setBalance(customer, 0)),
  ];
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      await tasks[next++]?.();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

const pick = <T>(random: SeededRandom, values: readonly T[]): T => values[random.below(values.length)] as T;

function orderLines(random: SeededRandom, skus: readonly string[]): RequestedLine[] {
  const first = pick(random, skus);
  const lines: RequestedLine[] = [{ sku: first, quantity: 1 + random.below(3) }];
  if (skus.length > 1 && random.chance(0.3)) {
    let second = pick(random, skus);
    while (second === first) {
      second = pick(random, skus);
    }
    lines.push({ sku: second, quantity: 1 + random.below(3) });
  }
  return lines;
}

/** The common workload: one or two lines over many SKUs, from many customers; `declineShare` of them cannot pay. */
export function mixedOrders(catalog: Catalog, random: SeededRandom, options: { declineShare: number }): OrderPlanner {
  // Exactly that share of every run of orders (not just on average), starting at a seeded phase.
  const phase = random.next();
  return (index) => {
    const expectDecline =
      Math.floor((index + 1) * options.declineShare + phase) > Math.floor(index * options.declineShare + phase);
    const customerId = pick(random, expectDecline ? catalog.poorCustomers : catalog.customers);
    return { customerId, items: orderLines(random, catalog.skus), expectDecline };
  };
}

/** Every order for one SKU (with ample stock): the stock row every order must lock. */
export function hotSkuOrders(catalog: Catalog, random: SeededRandom): OrderPlanner {
  return () => ({
    customerId: pick(random, catalog.customers),
    items: [{ sku: catalog.hotSku, quantity: 1 }],
    expectDecline: false,
  });
}
