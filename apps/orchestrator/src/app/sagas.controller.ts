import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { orderIdSchema, sagaViewSchema, uuidSchema } from '@dtx/contracts';
import { SagaQueriesService, type SagaView } from '@dtx/orchestrator-feature';
import { Access, ApiContract, ApiError, ZodValidationPipe } from '@dtx/service-platform';
import { z } from 'zod';

const sagasQuerySchema = z.strictObject({ orderId: orderIdSchema });

@ApiTags('sagas')
@Access('admin')
@Controller('sagas')
export class SagasController {
  constructor(private readonly sagas: SagaQueriesService) {}

  @Get(':sagaId')
  @ApiOperation({ summary: 'A saga with its state and step history (attempts, times, outcomes)' })
  @ApiContract({
    access: 'token',
    params: { sagaId: uuidSchema },
    answers: { 200: { description: 'the saga', schema: sagaViewSchema } },
    errors: { 404: 'NOT_FOUND: no such saga' },
  })
  async get(@Param('sagaId', new ZodValidationPipe(uuidSchema, 'path', 'sagaId')) sagaId: string): Promise<SagaView> {
    const saga = await this.sagas.find(sagaId);
    if (!saga) {
      throw ApiError.notFound(`No saga ${sagaId}`);
    }
    return saga;
  }

  @Get()
  @ApiOperation({ summary: "An order's sagas" })
  @ApiContract({
    access: 'token',
    query: sagasQuerySchema,
    answers: { 200: { description: "the order's sagas, none if unknown", schema: z.array(sagaViewSchema) } },
  })
  ofOrder(
    @Query(new ZodValidationPipe(sagasQuerySchema, 'query')) query: z.output<typeof sagasQuerySchema>,
  ): Promise<SagaView[]> {
    return this.sagas.ofOrder(query.orderId);
  }
}
