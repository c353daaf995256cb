import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import {
  listOrdersQuerySchema,
  type OrderPage as OrderListPage,
  type SagaView,
  type TransactionView,
} from '@dtx/contracts';
import { ShopApiError } from '@dtx/shop-client';
import type { Response } from 'express';
import { Inject } from '@nestjs/common';
import type { ConsoleConfig } from '../console.config.js';
import type { OperatorRequest } from '../session/session.middleware.js';
import { MessageIndex } from '../sources/message-index.js';
import { problemOf, Services } from '../sources/services.js';
import { Traces } from '../sources/jaeger.js';
import { CONSOLE_CONFIG } from '../tokens.js';
import { messageRows, sagaStepRows } from '../view-models/order-story.js';
import { Layout, Problem } from '../views/layout.js';
import { OrderPage } from '../views/order.js';
import { OrdersPage, type OrderFilters } from '../views/orders.js';
import { renderPage } from '../views/render.js';
import { TracePage } from '../views/waterfall.js';
import { sendPage } from './send-page.js';

const ORDER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

/** Orders newest first with filters and paging; one order's story; one trace's waterfall. */
@ApiExcludeController()
@Controller()
export class OrdersController {
  constructor(
    private readonly services: Services,
    private readonly traces: Traces,
    private readonly messages: MessageIndex,
    @Inject(CONSOLE_CONFIG) private readonly config: ConsoleConfig,
  ) {}

  @Get()
  home(@Res() response: Response): void {
    response.redirect(303, '/orders');
  }

  @Get('orders')
  async list(@Query() query: Record<string, unknown>, @Req() request: OperatorRequest, @Res() response: Response) {
    const filters: OrderFilters = {
      status: text(query['status']),
      mode: text(query['mode']),
      customerId: text(query['customerId']),
      reason: text(query['reason']),
    };
    const cursor = text(query['cursor']);
    const parsed = listOrdersQuerySchema.safeParse({ ...filters, cursor, limit: 50 });
    let page: OrderListPage | undefined;
    let problem: string | undefined;
    if (!parsed.success) {
      problem = `Filters not understood: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`;
    }
    const [listed, counts] = await Promise.allSettled([
      parsed.success
        ? this.services.as(request.operator.token).listOrders({
            status: parsed.data.status,
            mode: parsed.data.mode,
            customerId: parsed.data.customerId,
            reason: parsed.data.reason,
            limit: 50,
            cursor,
          })
        : Promise.resolve(undefined),
      this.services.orderCounts(),
    ]);
    if (listed.status === 'fulfilled') {
      page = listed.value;
    } else {
      problem = problemOf('the order service', listed.reason);
    }
    sendPage(
      response,
      renderPage(
        <OrdersPage
          operator={request.operator}
          filters={filters}
          page={page}
          problem={problem}
          cursor={cursor}
          counts={counts.status === 'fulfilled' ? counts.value : undefined}
          countsProblem={counts.status === 'rejected' ? problemOf('the order service', counts.reason) : undefined}
        />,
      ),
    );
  }

  /** The live counts' source (polled by /static/live-counts.js). */
  @Get('api/order-counts')
  async counts(@Res() response: Response) {
    try {
      response.set('Cache-Control', 'no-store').json(await this.services.orderCounts());
    } catch (error) {
      response.status(502).json({ error: 'BAD_GATEWAY', message: problemOf('the order service', error) });
    }
  }

  @Get('orders/:orderId')
  async order(@Param('orderId') orderId: string, @Req() request: OperatorRequest, @Res() response: Response) {
    const operator = request.operator;
    if (!ORDER_ID.test(orderId)) {
      return this.notFound(response, request, `${orderId} is not an order id.`);
    }
    orderId = orderId.toLowerCase();
    const shop = this.services.as(operator.token);
    const [order, sagas, transaction, messages] = await Promise.allSettled([
      shop.getOrder(orderId),
      shop.sagasOfOrder(orderId),
      shop.getTransaction(orderId),
      this.messages.messagesOf(orderId),
    ]);
    if (order.status === 'rejected') {
      if (order.reason instanceof ShopApiError && order.reason.status === 404) {
        return this.notFound(response, request, `The order service knows no order ${orderId}.`);
      }
      return sendPage(
        response,
        renderPage(
          <Layout title="Order" section="orders" operator={operator}>
            <Problem>{problemOf('the order service', order.reason)}</Problem>
          </Layout>,
        ),
        502,
      );
    }
    const { trace } = await this.traces.section(order.value.traceId);
    const saga: SagaView | undefined = sagas.status === 'fulfilled' ? sagas.value.at(-1) : undefined;
    const decided: TransactionView | undefined = transaction.status === 'fulfilled' ? transaction.value : undefined;
    const notFound = (result: PromiseSettledResult<unknown>) =>
      result.status === 'rejected' && result.reason instanceof ShopApiError && result.reason.status === 404;
    sendPage(
      response,
      renderPage(
        <OrderPage
          operator={operator}
          order={order.value}
          saga={saga ? { view: saga, steps: sagaStepRows(saga.steps) } : undefined}
          sagaProblem={
            sagas.status === 'rejected'
              ? problemOf('the orchestrator', sagas.reason)
              : saga
                ? undefined
                : 'The orchestrator has no saga for this order (yet).'
          }
          transaction={decided}
          transactionProblem={
            transaction.status === 'rejected'
              ? notFound(transaction)
                ? 'The coordinator has no transaction for this order.'
                : problemOf('the coordinator', transaction.reason)
              : undefined
          }
          messages={
            messages.status === 'fulfilled' ? messageRows(messages.value.messages, this.config.KAFKA_TOPIC_PREFIX) : []
          }
          messagesNote={messages.status === 'fulfilled' ? messages.value.note : problemOf('Kafka', messages.reason)}
          trace={trace}
        />,
      ),
    );
  }

  @Get('traces/:traceId')
  async trace(@Param('traceId') traceId: string, @Req() request: OperatorRequest, @Res() response: Response) {
    const { trace, orderId } = await this.traces.section(traceId);
    sendPage(
      response,
      renderPage(<TracePage operator={request.operator} traceId={traceId} orderId={orderId} trace={trace} />),
    );
  }

  private notFound(response: Response, request: OperatorRequest, message: string): void {
    sendPage(
      response,
      renderPage(
        <Layout title="Not found" section="orders" operator={request.operator}>
          <h1>Not found</h1>
          <Problem>{message}</Problem>
          <p>
            <a href="/orders">All orders</a>
          </p>
        </Layout>,
      ),
      404,
    );
  }
}
