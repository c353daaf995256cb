import { Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { Messaging } from '@dtx/service-platform';
import { TwoPhaseParticipantModule } from '@dtx/two-phase';
import { CatalogService } from './catalog.service.js';
import { orderHandlers } from './order-handlers.js';
import { OrderMetrics } from './order-metrics.js';
import { OrderPlacementService } from './order-placement.service.js';
import { OrderQueriesService } from './order-queries.service.js';
import { prepareOrderConfirmation, recordOrderAbort } from './two-phase-order.js';
import { TWO_PHASE_ORDER_OPTIONS, TwoPhaseOrders, type TwoPhaseOrderOptions } from './two-phase-orders.service.js';

export interface OrderFeatureOptions extends TwoPhaseOrderOptions {
  twoPhaseLockTimeoutMs: number;
  /** Prepared transactions the coordinator does not know are rolled back once this old. */
  unknownTransactionTimeoutMs: number;
}

/** Orders in every mode; in 2PC mode the order service is also a participant. */
@Module({})
export class OrderFeatureModule implements OnModuleInit {
  constructor(private readonly messaging: Messaging) {}

  static register(options: OrderFeatureOptions): DynamicModule {
    const { twoPhaseLockTimeoutMs, unknownTransactionTimeoutMs, ...twoPhaseOrders } = options;
    return {
      module: OrderFeatureModule,
      imports: [
        TwoPhaseParticipantModule.register({
          participant: 'order',
          lockTimeoutMs: twoPhaseLockTimeoutMs,
          prepare: prepareOrderConfirmation,
          afterAbort: recordOrderAbort,
          unknownTransactions: {
            coordinatorUrl: options.coordinatorUrl,
            serviceTokens: options.serviceTokens,
            timeoutMs: unknownTransactionTimeoutMs,
          },
        }),
      ],
      providers: [
        { provide: TWO_PHASE_ORDER_OPTIONS, useValue: twoPhaseOrders },
        CatalogService,
        OrderPlacementService,
        OrderQueriesService,
        OrderMetrics,
        TwoPhaseOrders,
      ],
      exports: [CatalogService, OrderPlacementService, OrderQueriesService],
    };
  }

  onModuleInit(): void {
    this.messaging.consume(orderHandlers());
  }
}
