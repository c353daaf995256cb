import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { ReadinessIndicators } from './readiness-indicators.js';
import { Access } from '../auth/access.js';

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
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'The service takes work: its database and Kafka answer and it is not shutting down' })
  ready() {
    return this.health.check([
      () => this.readiness.acceptingWork(),
      () => this.readiness.database(),
      () => this.readiness.kafka(),
    ]);
  }
}
