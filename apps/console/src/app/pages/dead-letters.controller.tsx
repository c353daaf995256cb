import { Body, Controller, Get, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import {
  deadLetterTopics,
  DeadLetterReplayError,
  listDeadLetters,
  replayDeadLetter,
  replayDeadLetters,
  type DeadLetter,
} from '@dtx/dead-letters';
import { errorMessage } from '@dtx/util';
import type { Response } from 'express';
import type { Kafka } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import type { ConsoleConfig } from '../console.config.js';
import type { OperatorRequest } from '../session/session.middleware.js';
import { CONSOLE_CONFIG, CONSOLE_KAFKA } from '../tokens.js';
import { DeadLettersPage } from '../views/dead-letters.js';
import { renderPage } from '../views/render.js';
import { sendPage } from './send-page.js';

const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

/** Every dead-letter topic with its messages; replay one, or every one of a reason, as the signed-in admin. */
@ApiExcludeController()
@Controller('dead-letters')
export class DeadLettersController {
  constructor(
    @Inject(CONSOLE_KAFKA) private readonly kafka: Kafka,
    @Inject(CONSOLE_CONFIG) private readonly config: ConsoleConfig,
    private readonly logger: PinoLogger,
  ) {}

  @Get()
  async page(@Query() query: Record<string, unknown>, @Req() request: OperatorRequest, @Res() response: Response) {
    const reasonFilter = text(query['reason']);
    const replayed = /^\d+$/.test(String(query['replayed'] ?? '')) ? Number(query['replayed']) : undefined;
    const prefix = this.config.KAFKA_TOPIC_PREFIX;
    let letters: DeadLetter[] = [];
    let problem = text(query['problem']) ? 'The replay failed: see the console’s log.' : undefined;
    try {
      letters = await listDeadLetters(this.kafka, { topicPrefix: prefix });
    } catch (error) {
      problem = `Could not read the dead-letter topics: ${errorMessage(error)}`;
    }
    const reasons = new Map<string, { reason: string; pending: number; total: number }>();
    for (const letter of letters) {
      const entry = reasons.get(letter.reason) ?? { reason: letter.reason, pending: 0, total: 0 };
      entry.total++;
      entry.pending += letter.replays.length === 0 ? 1 : 0;
      reasons.set(letter.reason, entry);
    }
    const shown = reasonFilter ? letters.filter((letter) => letter.reason === reasonFilter) : letters;
    const topics = deadLetterTopics(prefix).map((topic) => ({
      topic: topic.slice(prefix.length),
      letters: shown.filter((letter) => letter.topic === topic),
    }));
    sendPage(
      response,
      renderPage(
        <DeadLettersPage
          operator={request.operator}
          topics={topics}
          reasons={[...reasons.values()].sort((left, right) => right.total - left.total)}
          reasonFilter={reasonFilter}
          problem={problem}
          replayed={replayed}
          topicPrefix={prefix}
        />,
      ),
    );
  }

  @Post('replay')
  async replay(@Body() body: Record<string, unknown>, @Req() request: OperatorRequest, @Res() response: Response) {
    const topic = text(body['topic']) ?? '';
    const partition = Number(body['partition']);
    const offset = text(body['offset']) ?? '';
    if (!Number.isInteger(partition) || !/^\d+$/.test(offset)) {
      return response.status(400).type('text/plain').send('partition and offset must be whole numbers');
    }
    try {
      const replay = await replayDeadLetter(this.kafka, {
        deadLetter: { topic, partition, offset },
        replayedBy: request.operator.principal.subject,
        topicPrefix: this.config.KAFKA_TOPIC_PREFIX,
      });
      this.logger.info({ replay, orderId: replay.orderId, traceId: replay.traceId }, 'dead letter replayed');
      response.redirect(303, '/dead-letters?replayed=1');
    } catch (error) {
      this.fail(response, error);
    }
  }

  @Post('replay-reason')
  async replayReason(
    @Body() body: Record<string, unknown>,
    @Req() request: OperatorRequest,
    @Res() response: Response,
  ) {
    const reason = text(body['reason']);
    if (!reason) {
      return response.status(400).type('text/plain').send('reason is required');
    }
    try {
      const replays = await replayDeadLetters(this.kafka, {
        reason,
        replayedBy: request.operator.principal.subject,
        topicPrefix: this.config.KAFKA_TOPIC_PREFIX,
      });
      this.logger.info({ reason, count: replays.length }, 'dead letters replayed');
      response.redirect(303, `/dead-letters?replayed=${replays.length}`);
    } catch (error) {
      this.fail(response, error);
    }
  }

  private fail(response: Response, error: unknown): void {
    if (error instanceof DeadLetterReplayError) {
      response
        .status(error.code === 'NOT_FOUND' ? 404 : 422)
        .type('text/plain')
        .send(`Not replayed: ${error.message}`);
      return;
    }
    this.logger.error({ err: error }, 'dead letter replay failed');
    response.redirect(303, '/dead-letters?problem=replay');
  }
}
