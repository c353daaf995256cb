import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { MetricsRegistry } from './metrics-registry.js';
import { Access } from '../auth/access.js';
import { ApiContract } from '../http/api-contract.js';

@ApiTags('metrics')
@Access('anyone')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly registry: MetricsRegistry) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ summary: 'Prometheus metrics in text exposition format' })
  @ApiContract({ access: 'anyone', answers: { 200: { description: 'the metrics', schema: 'text' } } })
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
