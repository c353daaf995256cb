import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { errorMessage } from '@dtx/util';
import { PinoLogger } from 'nestjs-pino';
import type pg from 'pg';
import { Counter } from 'prom-client';
import { MetricsRegistry } from '../metrics/metrics-registry.js';
import { SERVICE_PLATFORM_OPTIONS, SQL_POOL, type PlatformOptions } from '../lib/tokens.js';
import { purgeExpiredRecords } from './records-purge.js';

const HOUR_MS = 3_600_000;

/** Deletes bookkeeping rows past their retention, every PURGE_INTERVAL_MS (see README, "Retention"). */
@Injectable()
export class RecordsPurge implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private readonly purged: Counter;

  constructor(
    @Inject(SQL_POOL) private readonly pool: pg.Pool,
    @Inject(SERVICE_PLATFORM_OPTIONS) private readonly options: PlatformOptions,
    private readonly logger: PinoLogger,
    registry: MetricsRegistry,
  ) {
    this.purged = new Counter({
      name: 'dtx_records_purged_total',
      help: 'Bookkeeping rows deleted past their retention (idempotency keys, inbox, participant steps, 2PC outcomes)',
      labelNames: ['table'],
      registers: [registry],
    });
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.purge(), this.options.config.PURGE_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  private async purge(): Promise<void> {
    const config = this.options.config;
    try {
      const purged = await purgeExpiredRecords(this.pool, {
        idempotencyKeysMs: config.IDEMPOTENCY_KEY_RETENTION_HOURS * HOUR_MS,
        messageRecordsMs: config.MESSAGE_RECORD_RETENTION_DAYS * 24 * HOUR_MS,
      });
      for (const [table, count] of purged) {
        this.purged.inc({ table }, count);
      }
    } catch (error) {
      this.logger.warn({ err: error }, `expired records not purged (${errorMessage(error)}); next time`);
    }
  }
}
