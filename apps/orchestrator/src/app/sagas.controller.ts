import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { orderIdSchema, uuidSchema } from '@dtx/contracts';
import { SagaQueriesService, type SagaView } from '@dtx/orchestrator-feature';
import { Access, ApiError, ZodValidationPipe } from '@dtx/service-platform';
import { z } from 'zod';

const sagasQuerySchema = z.strictObject({ orderId: orderIdSchema });

@ApiTags('sagas')
@ApiBearerAuth()
@Access('admin')
@Controller('sagas')
export class SagasController {
  constructor(private readonly sagas: SagaQueriesService) {}

  @Get(':sagaId')
  @ApiOperation({ summary: 'A saga with its state and step history (attempts, times, outcomes)' })
  async get(@Param('sagaId', new ZodValidationPipe(uuidSchema, 'path', 'sagaId')) sagaId: string): Promise<SagaView> {
    const saga = await this.sagas.find(sagaId);
    if (!saga) {
      throw ApiError.notFound(`No saga ${sagaId}`);
    }
    return saga;
  }

  @Get()
  @ApiOperation({ summary: "An order's sagas" })
  ofOrder(
    @Query(new ZodValidationPipe(sagasQuerySchema, 'query')) query: z.output<typeof sagasQuerySchema>,
  ): Promise<SagaView[]> {
    return this.sagas.ofOrder(query.orderId);
  }
}
