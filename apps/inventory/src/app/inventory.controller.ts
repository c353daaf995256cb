import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { setStockRequestSchema, skuSchema, stockLevelSchema } from '@dtx/contracts';
import { StockService, type StockLevel } from '@dtx/inventory-feature';
import { Access, ApiContract, ApiError, ZodValidationPipe } from '@dtx/service-platform';
import { z } from 'zod';

const setStockSchema = setStockRequestSchema;
const skuPipe = new ZodValidationPipe(skuSchema, 'path', 'sku');

@ApiTags('inventory')
@Controller('inventory')
export class InventoryController {
  constructor(private readonly stock: StockService) {}

  @Put(':sku')
  @Access('admin')
  @ApiOperation({ summary: 'Set the units available for new orders (admin, seed)' })
  @ApiContract({
    access: 'token',
    params: { sku: skuSchema },
    body: setStockSchema,
    answers: { 200: { description: 'the stock now', schema: stockLevelSchema } },
  })
  set(
    @Param('sku', skuPipe) sku: string,
    @Body(new ZodValidationPipe(setStockSchema)) body: z.output<typeof setStockSchema>,
  ): Promise<StockLevel> {
    return this.stock.setAvailable(sku, body.available);
  }

  @Get(':sku')
  @Access('customer', 'admin')
  @ApiOperation({ summary: 'Units available and reserved for a SKU' })
  @ApiContract({
    access: 'token',
    params: { sku: skuSchema },
    answers: { 200: { description: 'the stock', schema: stockLevelSchema } },
    errors: { 404: 'NOT_FOUND: no stock record for the SKU' },
  })
  async get(@Param('sku', skuPipe) sku: string): Promise<StockLevel> {
    const level = await this.stock.find(sku);
    if (!level) {
      throw ApiError.notFound(`No stock record for SKU ${sku}`);
    }
    return level;
  }
}
