import type { OrderLine } from '@dtx/contracts';

/** One line per SKU, adding up the quantities of its lines, sorted by SKU: rows are locked in this order, so two orders never deadlock. */
export function demandPerSku(
  lines: readonly Pick<OrderLine, 'sku' | 'quantity'>[],
): { sku: string; quantity: number }[] {
  const demand = new Map<string, number>();
  for (const line of lines) {
    demand.set(line.sku, (demand.get(line.sku) ?? 0) + line.quantity);
  }
  return [...demand]
    .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0))
    .map(([sku, quantity]) => ({ sku, quantity }));
}
