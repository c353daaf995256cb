import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { healthReportSchema } from '@dtx/contracts';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { ReadinessIndicators } from './readiness-indicators.js';
import { Access } from '../auth/access.js';
import { ApiContract } from '../http/api-contract.js';

@ApiTags('health')
@Access('anyone')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly readiness: ReadinessIndicators,
  ) {}

  @Get('live')
  @HealthCheck()
  @ApiOperation({ summary: 'The process is up and its event loop answers' })
  @ApiContract({ access: 'anyone', answers: { 200: { description: 'up', schema: healthReportSchema } } })
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'The service takes work: its database and Kafka answer and it is not shutting down' })
  @ApiContract({
    access: 'anyone',
    answers: {
      200: { description: 'ready', schema: healthReportSchema },
      503: { description: 'not ready: the indicators down are under error', schema: healthReportSchema },
    },
  })
  ready() {
    return this.health.check([
      () => this.readiness.acceptingWork(),
      () => this.readiness.database(),
      () => this.readiness.kafka(),
    ]);
  }
}
