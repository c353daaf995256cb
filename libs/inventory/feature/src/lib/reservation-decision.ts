import type { OrderLine } from '@dtx/contracts';

/** Quantity wanted per SKU, with SKUs sorted: rows are locked in this order, so two orders never deadlock. */
export function demandPerSku(lines: readonly Pick<OrderLine, 'sku' | 'quantity'>[]): Map<string, number> {
  const demand = new Map<string, number>();
  for (const line of lines) {
    demand.set(line.sku, (demand.get(line.sku) ?? 0) + line.quantity);
  }
  return new Map([...demand].sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0)));
}

export type ReservationDecision =
  { kind: 'reserve'; lines: { sku: string; quantity: number }[] } | { kind: 'reject'; unavailableSkus: string[] };

/** All or nothing: reserve every SKU, or none when any is unknown or short. */
export function decideReservation(demand: Map<string, number>, available: Map<string, number>): ReservationDecision {
  const unavailableSkus = [...demand]
    .filter(([sku, quantity]) => (available.get(sku) ?? 0) < quantity)
    .map(([sku]) => sku);
  if (unavailableSkus.length > 0) {
    return { kind: 'reject', unavailableSkus };
  }
  return { kind: 'reserve', lines: [...demand].map(([sku, quantity]) => ({ sku, quantity })) };
}
