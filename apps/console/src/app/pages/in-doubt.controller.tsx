import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import {
  preparedTransactionViewSchema,
  unfinishedTransactionsSchema,
  type PreparedTransactionView,
  type UnfinishedTransaction,
} from '@dtx/contracts';
import { ShopApiError, type RawAnswer, type ShopClient } from '@dtx/shop-client';
import type { Response } from 'express';
import type { OperatorRequest } from '../session/session.middleware.js';
import { problemOf, Services } from '../sources/services.js';
import { InDoubtPage, type ParticipantPrepared } from '../views/in-doubt.js';
import { renderPage } from '../views/render.js';
import { sendPage } from './send-page.js';

const PARTICIPANTS = ['order', 'inventory', 'payment'] as const;

function expectOk(method: string, path: string, answer: RawAnswer): unknown {
  if (answer.status < 200 || answer.status >= 300) {
    throw new ShopApiError(method, path, answer.status, answer.body);
  }
  return answer.body;
}

/** 2PC transactions the coordinator has not finished, and each participant's prepared transactions with age and locks. */
@ApiExcludeController()
@Controller('in-doubt')
export class InDoubtController {
  constructor(private readonly services: Services) {}

  @Get()
  async page(@Req() request: OperatorRequest, @Res() response: Response) {
    const shop = this.services.as(request.operator.token);
    const [unfinished, ...prepared] = await Promise.allSettled([
      this.unfinished(shop),
      ...PARTICIPANTS.map((participant) => this.prepared(shop, participant)),
    ]);
    const participants: ParticipantPrepared[] = PARTICIPANTS.map((participant, index) => {
      const result = prepared[index] as PromiseSettledResult<PreparedTransactionView[]>;
      return result.status === 'fulfilled'
        ? { participant, prepared: result.value }
        : { participant, problem: problemOf(`the ${participant} service`, result.reason) };
    });
    sendPage(
      response,
      renderPage(
        <InDoubtPage
          operator={request.operator}
          unfinished={unfinished.status === 'fulfilled' ? (unfinished.value as UnfinishedTransaction[]) : undefined}
          unfinishedProblem={
            unfinished.status === 'rejected' ? problemOf('the coordinator', unfinished.reason) : undefined
          }
          participants={participants}
        />,
      ),
    );
  }

  private async unfinished(shop: ShopClient): Promise<UnfinishedTransaction[]> {
    const path = '/transactions?state=unfinished&limit=200';
    const body = expectOk('GET', path, await shop.request('coordinator', 'GET', path));
    return unfinishedTransactionsSchema.parse(body).items;
  }

  private async prepared(
    shop: ShopClient,
    participant: (typeof PARTICIPANTS)[number],
  ): Promise<PreparedTransactionView[]> {
    const path = '/2pc/prepared';
    const body = expectOk('GET', path, await shop.request(participant, 'GET', path));
    return preparedTransactionViewSchema.array().parse(body);
  }
}
