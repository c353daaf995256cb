/**
 * Compile-time tests of step declarations and their bindings: each
 * `@ts-expect-error` line must fail to compile, or the build fails. Never called.
 * Each check stays on one line (prettier-ignore), so the directive covers it.
 */
import { ACTION_REFUSED, inventoryParticipant } from '@dtx/contracts';
import type { MessageHandlers } from '@dtx/inbox';
import { choreographed } from './choreography-handler.js';
import { participantStep } from './participant-step.js';

const reserved = async () => ({ outcome: 'StockReserved' as const, events: [] });
const released = async () => ({ outcome: 'StockReleased' as const, events: [] });
const committed = async () => ({ outcome: 'StockCommitted' as const, events: [] });
const reserve = { command: inventoryParticipant.reserveStock, name: 'reserve-stock', run: reserved };
const release = { command: inventoryParticipant.releaseStock, name: 'release-stock', run: released };
const commitWork = { command: inventoryParticipant.commitStock, name: 'commit-stock', run: committed };

export function typeChecks(): MessageHandlers {
  const stock = participantStep({ resource: 'stock', action: reserve, compensation: release });
  const commit = participantStep({ resource: 'stock-commit', action: commitWork });

  // prettier-ignore
  // @ts-expect-error an action answers only the outcomes its command lists
  participantStep({ resource: 'stock', action: { ...reserve, run: async () => ({ outcome: 'StockReleased', events: [] }) } });

  // prettier-ignore
  // @ts-expect-error ActionRefused is the guard's answer to a hanging action, not the action's
  participantStep({ resource: 'stock', action: { ...reserve, run: async () => ({ outcome: ACTION_REFUSED, events: [] }) } });

  // prettier-ignore
  // @ts-expect-error a compensation cannot answer the action's failure outcome
  participantStep({ resource: 'stock', action: reserve, compensation: { ...release, run: async () => ({ outcome: 'StockUnavailable', events: [] }) } });

  // @ts-expect-error a compensation's command cannot fail
  participantStep({ resource: 'stock', action: reserve, compensation: { ...reserve, name: 'unreserve-stock' } });

  // prettier-ignore
  // @ts-expect-error the work takes the command's arguments
  participantStep({ resource: 'stock', action: { ...reserve, run: async (_tx, input: { sku: string }) => ({ outcome: input.sku ? 'StockReserved' : 'StockUnavailable', events: [] }) } });

  // prettier-ignore
  // @ts-expect-error a step without a compensation has none to bind
  const _uncompensated: MessageHandlers = { OrderCancelled: choreographed(commit.compensation, ({ orderId }) => ({ orderId })) };

  // @ts-expect-error the input mapping must give the action's arguments (the lines, the customer, the total)
  const _partial: MessageHandlers = { OrderCreated: choreographed(stock.action, ({ orderId }) => ({ orderId })) };

  // @ts-expect-error the event is the handler's key: OrderCancelled carries no lines to reserve
  const _wrongEvent: MessageHandlers = { OrderCancelled: choreographed(stock.action, (order) => order) };

  return {
    OrderCreated: choreographed(stock.action, (order) => order),
    OrderConfirmed: choreographed(commit.action, ({ orderId }) => ({ orderId })),
    OrderCancelled: choreographed(stock.compensation, ({ orderId }) => ({ orderId })),
  };
}
