import { guardAction, guardCompensation, sagaCommandHandler, type MessageHandlers } from '@dtx/inbox';
import { commitReservation, releaseReservation, reserveStock } from './stock-reservations.js';

/** The saga step inventory takes part in: reserving an order's stock. */
const stock = (orderId: string) => ({ orderId, resource: 'stock' });
const stockCommit = (orderId: string) => ({ orderId, resource: 'stock-commit' });
const choreography = (name: string) => ({ name, mode: 'choreography' as const });

/** Inventory's part in the choreographed saga: it reacts to the order's events. */
export function choreographyHandlers(): MessageHandlers {
  return {
    OrderCreated: async ({ tx, message }) => {
      const order = message.payload;
      if (order.mode !== 'choreography') {
        return [];
      }
      return (await guardAction(tx, stock(order.orderId), choreography('reserve-stock'), () => reserveStock(tx, order))).events;
    },
    OrderConfirmed: async ({ tx, message }) => {
      const { orderId, mode } = message.payload;
      return mode === 'choreography' ? (await guardAction(tx, stockCommit(orderId), choreography('commit-stock'), () => commitReservation(tx, orderId))).events : [];
    },
    OrderCancelled: async ({ tx, message }) => {
      const { orderId, mode } = message.payload;
      return mode === 'choreography'
        ? (await guardCompensation(tx, stock(orderId), choreography('release-stock'), 'StockReleased', () => releaseReservation(tx, orderId))).events
        : [];
    },
  };
}

/** Inventory's part in the orchestrated saga: it answers the orchestrator's commands. */
export function orchestrationHandlers(): MessageHandlers {
  return {
    ReserveStock: sagaCommandHandler<'ReserveStock'>({ resource: 'stock', name: 'reserve-stock', kind: 'action', run: reserveStock }),
    ReleaseStock: sagaCommandHandler<'ReleaseStock'>({
      resource: 'stock',
      name: 'release-stock',
      kind: 'compensation',
      nullOutcome: 'StockReleased',
      run: (tx, command) => releaseReservation(tx, command.orderId),
    }),
    CommitStock: sagaCommandHandler<'CommitStock'>({
      resource: 'stock-commit',
      name: 'commit-stock',
      kind: 'action',
      run: (tx, command) => commitReservation(tx, command.orderId),
    }),
  };
}
