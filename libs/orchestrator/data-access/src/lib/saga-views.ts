import type { StepRecord } from '@dtx/saga';
import type { OrchestratorDatabaseClient } from './database-client.js';

export interface SagaView {
  sagaId: string;
  orderId: string;
  type: string;
  /** RUNNING, COMPENSATING, COMPLETED, COMPENSATED, or NEEDS_ATTENTION while a failing step is still retried. */
  state: string;
  needsAttention: boolean;
  reason?: string;
  steps: {
    name: string;
    kind: string;
    status: string;
    attempts: number;
    startedAt: string;
    endedAt: string | null;
    /** The parallel group the step ran in: the steps of a group were sent together. */
    group?: string;
  }[];
}

export async function findSaga(database: OrchestratorDatabaseClient, sagaId: string): Promise<SagaView | undefined> {
  const saga = await database.sagaInstance.findUnique({ where: { id: sagaId } });
  return saga ? toView(saga) : undefined;
}

/** An order's sagas, oldest first. */
export async function sagasOfOrder(database: OrchestratorDatabaseClient, orderId: string): Promise<SagaView[]> {
  const sagas = await database.sagaInstance.findMany({ where: { orderId }, orderBy: { createdAt: 'asc' } });
  return sagas.map(toView);
}

type SagaRow = Awaited<ReturnType<OrchestratorDatabaseClient['sagaInstance']['findUniqueOrThrow']>>;

function toView(saga: SagaRow): SagaView {
  const finished = saga.state === 'COMPLETED' || saga.state === 'COMPENSATED';
  const reason = (saga.data as { reason?: string }).reason;
  return {
    sagaId: saga.id,
    orderId: saga.orderId,
    type: saga.type,
    state: saga.needsAttention && !finished ? 'NEEDS_ATTENTION' : saga.state,
    needsAttention: saga.needsAttention,
    ...(reason ? { reason } : {}),
    steps: (saga.history as unknown as StepRecord[]).map((line) => ({
      name: line.name,
      kind: line.kind,
      status: line.status,
      attempts: line.attempts,
      startedAt: line.startedAt,
      endedAt: line.endedAt,
      ...(line.group ? { group: line.group } : {}),
    })),
  };
}
