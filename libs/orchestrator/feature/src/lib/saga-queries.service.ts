import { Inject, Injectable } from '@nestjs/common';
import { findSaga, sagasOfOrder, type OrchestratorDatabaseClient, type SagaView } from '@dtx/orchestrator-data-access';
import { DATABASE } from '@dtx/service-platform';

/** Reads sagas and their step history for GET /sagas. */
@Injectable()
export class SagaQueriesService {
  constructor(@Inject(DATABASE) private readonly database: OrchestratorDatabaseClient) {}

  find(sagaId: string): Promise<SagaView | undefined> {
    return findSaga(this.database, sagaId);
  }

  ofOrder(orderId: string): Promise<SagaView[]> {
    return sagasOfOrder(this.database, orderId);
  }
}
