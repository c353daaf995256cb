import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { KafkaReadinessProbe } from '@dtx/messaging';
import { MetricsRegistry, ServiceLifecycle } from '@dtx/service-platform';
import { errorMessage } from '@dtx/util';
import { MessageIndex } from './sources/message-index.js';

/** `/health/live`, `/health/ready` (not shutting down, and Kafka answers) and `/metrics`, as every service has. */
@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly lifecycle: ServiceLifecycle,
    private readonly kafkaProbe: KafkaReadinessProbe,
    private readonly messages: MessageIndex,
    private readonly registry: MetricsRegistry,
  ) {}

  @Get('health/live')
  @HealthCheck()
  @ApiOperation({ summary: 'The process is up and its event loop answers' })
  live() {
    return this.health.check([]);
  }

  @Get('health/ready')
  @HealthCheck()
  @ApiOperation({ summary: 'The console serves pages: it is not shutting down and Kafka answers' })
  ready() {
    return this.health.check([
      () => {
        const indicator = this.indicators.check('process');
        return this.lifecycle.acceptingWork
          ? indicator.up()
          : indicator.down({ message: `shutting down (${this.lifecycle.shutdownReason})` });
      },
      async () => {
        const indicator = this.indicators.check('kafka');
        try {
          const cluster = await this.kafkaProbe.check(2_000);
          return indicator.up({ brokers: cluster.brokers, messageIndex: this.messages.index.status().state });
        } catch (error) {
          return indicator.down({ message: errorMessage(error) });
        }
      },
    ]);
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiProduces('text/plain')
  @ApiOperation({ summary: 'Prometheus metrics in text exposition format' })
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
