import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { KafkaReadinessProbe } from '@dtx/messaging';
import { errorMessage, withTimeout } from '@dtx/util';
import { ServiceLifecycle } from '../lib/service-lifecycle.js';
import type pg from 'pg';
import { SQL_POOL } from '../lib/tokens.js';

/** A slow dependency answers "not ready" instead of hanging the probe. */
const PROBE_TIMEOUT_MS = 2_000;

@Injectable()
export class ReadinessIndicators {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(SQL_POOL) private readonly pool: pg.Pool,
    private readonly kafkaProbe: KafkaReadinessProbe,
    private readonly lifecycle: ServiceLifecycle,
  ) {}

  acceptingWork() {
    const indicator = this.indicators.check('process');
    return this.lifecycle.acceptingWork
      ? indicator.up()
      : indicator.down({ message: `shutting down (${this.lifecycle.shutdownReason})` });
  }

  async database() {
    const indicator = this.indicators.check('database');
    try {
      await withTimeout(this.pool.query('SELECT 1'), PROBE_TIMEOUT_MS, 'PostgreSQL');
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: errorMessage(error) });
    }
  }

  async kafka() {
    const indicator = this.indicators.check('kafka');
    try {
      const cluster = await this.kafkaProbe.check(PROBE_TIMEOUT_MS);
      return indicator.up({ brokers: cluster.brokers });
    } catch (error) {
      return indicator.down({ message: errorMessage(error) });
    }
  }
}
