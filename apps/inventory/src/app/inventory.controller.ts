import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { setStockRequestSchema, skuSchema } from '@dtx/contracts';
import { StockService, type StockLevel } from '@dtx/inventory-feature';
import { Access, ApiError, openApiSchema, ZodValidationPipe } from '@dtx/service-platform';
import { z } from 'zod';

const setStockSchema = setStockRequestSchema;
const skuPipe = new ZodValidationPipe(skuSchema, 'path', 'sku');

@ApiTags('inventory')
@ApiBearerAuth()
@Controller('inventory')
export class InventoryController {
  constructor(private readonly stock: StockService) {}

  @Put(':sku')
  @Access('admin')
  @ApiOperation({ summary: 'Set the units available for new orders (admin, seed)' })
  @ApiBody({ schema: openApiSchema(setStockSchema) })
  set(
    @Param('sku', skuPipe) sku: string,
    @Body(new ZodValidationPipe(setStockSchema)) body: z.output<typeof setStockSchema>,
  ): Promise<StockLevel> {
    return this.stock.setAvailable(sku, body.available);
  }

  @Get(':sku')
  @Access('customer', 'admin')
  @ApiOperation({ summary: 'Units available and reserved for a SKU' })
  async get(@Param('sku', skuPipe) sku: string): Promise<StockLevel> {
    const level = await this.stock.find(sku);
    if (!level) {
      throw ApiError.notFound(`No stock record for SKU ${sku}`);
    }
    return level;
  }
}
