import type { OrderPage, OrderView } from '@dtx/contracts';
import type { Operator } from '../session/session.js';
import type { OrderCounts } from '../view-models/order-counts.js';
import { formatMoney } from '../view-models/order-story.js';
import { Badge, Layout, OrderLink, Problem, TraceLink } from './layout.js';

export interface OrderFilters {
  status?: string | undefined;
  mode?: string | undefined;
  customerId?: string | undefined;
  reason?: string | undefined;
}

export interface OrdersPageModel {
  operator: Operator;
  filters: OrderFilters;
  page?: OrderPage | undefined;
  problem?: string | undefined;
  counts?: OrderCounts | undefined;
  countsProblem?: string | undefined;
  /** Set when this is not the first page. */
  cursor?: string | undefined;
}

const query = (filters: OrderFilters, cursor?: string) => {
  const parameters = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) {
    if (value) {
      parameters.set(name, String(value));
    }
  }
  if (cursor) {
    parameters.set('cursor', cursor);
  }
  return parameters.size > 0 ? `?${parameters}` : '';
};

export function CountsBar(props: { counts?: OrderCounts | undefined; problem?: string | undefined }) {
  const count = (status: 'PENDING' | 'CONFIRMED' | 'CANCELLED') => (
    <div class="count">
      <span class={`badge s-${status}`}>{status}</span>
      <b data-count={status}>{props.counts ? props.counts.byStatus[status] : '–'}</b>
    </div>
  );
  return (
    <section>
      <div class="counts" id="live-counts" data-source="/api/order-counts">
        <div class="count">
          <span class="badge">ALL</span>
          <b data-count="total">{props.counts ? props.counts.total : '–'}</b>
        </div>
        {count('PENDING')}
        {count('CONFIRMED')}
        {count('CANCELLED')}
        <div class="count muted" style="min-width:220px">
          <span>live, every 2 s</span>
          <span data-count-status style="display:block">
            {props.problem ?? ''}
          </span>
        </div>
      </div>
    </section>
  );
}

function OrderRow(props: { order: OrderView }) {
  const { order } = props;
  return (
    <tr>
      <td>
        <OrderLink orderId={order.orderId} />
      </td>
      <td class="mono">{order.createdAt.replace('T', ' ').slice(0, 23)}</td>
      <td>
        <Badge value={order.status} />
      </td>
      <td>{order.reason ?? ''}</td>
      <td>{order.mode}</td>
      <td class="mono">{order.customerId}</td>
      <td style="text-align:right">{formatMoney(order.total)}</td>
      <td>
        <TraceLink traceId={order.traceId} />
      </td>
    </tr>
  );
}

export function OrdersPage(props: OrdersPageModel) {
  const { filters } = props;
  const option = (value: string, selected: string | undefined) => (
    <option value={value} selected={value === (selected ?? '')}>
      {value || 'any'}
    </option>
  );
  return (
    <Layout title="Orders" section="orders" operator={props.operator} scripts={['/static/live-counts.js']}>
      <h1>Orders</h1>
      <CountsBar counts={props.counts} problem={props.countsProblem} />
      <form method="get" action="/orders" class="filters">
        <label>
          status
          <select name="status">
            {['', 'PENDING', 'CONFIRMED', 'CANCELLED'].map((value) => option(value, filters.status))}
          </select>
        </label>
        <label>
          mode
          <select name="mode">
            {['', 'choreography', 'orchestration', '2pc'].map((value) => option(value, filters.mode))}
          </select>
        </label>
        <label>
          customer
          <input name="customerId" value={filters.customerId ?? ''} placeholder="customer id" />
        </label>
        <label>
          reason
          <input name="reason" value={filters.reason ?? ''} placeholder="e.g. OUT_OF_STOCK" list="reasons" />
          <datalist id="reasons">
            {['OUT_OF_STOCK', 'PAYMENT_DECLINED', 'TIMEOUT', 'LOCK_TIMEOUT'].map((reason) => (
              <option value={reason} />
            ))}
          </datalist>
        </label>
        <button type="submit" class="primary">
          Filter
        </button>
        <a href="/orders">clear</a>
      </form>
      {props.problem ? <Problem>{props.problem}</Problem> : null}
      {props.page ? (
        <>
          <table id="orders">
            <thead>
              <tr>
                <th>order</th>
                <th>created (UTC)</th>
                <th>status</th>
                <th>reason</th>
                <th>mode</th>
                <th>customer</th>
                <th style="text-align:right">total</th>
                <th>trace</th>
              </tr>
            </thead>
            <tbody>
              {props.page.items.map((order) => (
                <OrderRow order={order} />
              ))}
            </tbody>
          </table>
          {props.page.items.length === 0 ? <p class="muted">No orders match.</p> : null}
          <div class="pager">
            {props.cursor ? <a href={`/orders${query(filters)}`}>« newest</a> : null}
            {props.page.nextCursor ? (
              <a href={`/orders${query(filters, props.page.nextCursor)}`} rel="next">
                older »
              </a>
            ) : (
              <span class="muted">no older orders</span>
            )}
          </div>
        </>
      ) : null}
    </Layout>
  );
}
