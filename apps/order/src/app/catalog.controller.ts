import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  catalogPriceSchema,
  setPriceRequestSchema,
  skuSchema,
  type CatalogPriceView,
  type SetPriceRequest,
} from '@dtx/contracts';
import { CatalogService } from '@dtx/order-feature';
import { Access, ApiContract, ApiError, ZodValidationPipe } from '@dtx/service-platform';

const skuPipe = new ZodValidationPipe(skuSchema, 'path', 'sku');

@ApiTags('catalog')
@Controller('catalog')
export class CatalogController {
  constructor(private readonly catalog: CatalogService) {}

  @Put(':sku')
  @Access('admin')
  @ApiOperation({ summary: "Set a SKU's price in minor units; orders placed from now on pay it (admin)" })
  @ApiContract({
    access: 'token',
    params: { sku: skuSchema },
    body: setPriceRequestSchema,
    answers: { 200: { description: 'the price now', schema: catalogPriceSchema } },
  })
  setPrice(
    @Param('sku', skuPipe) sku: string,
    @Body(new ZodValidationPipe(setPriceRequestSchema)) body: SetPriceRequest,
  ): Promise<CatalogPriceView> {
    return this.catalog.setPrice(sku, body.unitPrice);
  }

  @Get(':sku')
  @Access('customer', 'admin')
  @ApiOperation({ summary: "A SKU's price" })
  @ApiContract({
    access: 'token',
    params: { sku: skuSchema },
    answers: { 200: { description: 'the price', schema: catalogPriceSchema } },
    errors: { 404: 'NOT_FOUND: the SKU has no price' },
  })
  async price(@Param('sku', skuPipe) sku: string): Promise<CatalogPriceView> {
    const price = await this.catalog.price(sku);
    if (!price) {
      throw ApiError.notFound(`No price for ${sku}`);
    }
    return price;
  }
}
