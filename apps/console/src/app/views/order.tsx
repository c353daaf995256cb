import type { OrderView, SagaView, TransactionView } from '@dtx/contracts';
import type { ComponentChildren } from 'preact';
import type { Operator } from '../session/session.js';
import { formatMoney, type MessageRow, type SagaStepRow } from '../view-models/order-story.js';
import { Badge, Layout, Problem, TraceLink } from './layout.js';
import { TraceSectionView, type TraceSection } from './waterfall.js';

export interface OrderPageModel {
  operator: Operator;
  order: OrderView;
  /** Orchestrated orders: the saga with its steps in the order they ran. */
  saga?: { view: SagaView; steps: SagaStepRow[] } | undefined;
  sagaProblem?: string | undefined;
  /** 2PC orders: the coordinator's transaction. */
  transaction?: TransactionView | undefined;
  transactionProblem?: string | undefined;
  messages: MessageRow[];
  /** Where the messages come from, and whether they are all of them. */
  messagesNote?: string | undefined;
  trace: TraceSection;
}

function Summary(props: { order: OrderView }) {
  const { order } = props;
  const card = (label: string, value: ComponentChildren) => (
    <div class="card">
      <div class="label">{label}</div>
      <div>{value}</div>
    </div>
  );
  return (
    <div class="grid" id="summary">
      {card('status', <Badge value={order.status} />)}
      {card('reason', order.reason ? <code id="reason">{order.reason}</code> : <span class="muted">–</span>)}
      {card('mode', order.mode)}
      {card('customer', <code>{order.customerId}</code>)}
      {card('total', <b id="total">{formatMoney(order.total)}</b>)}
      {card('created / updated (UTC)', `${order.createdAt.slice(0, 23)} / ${order.updatedAt.slice(11, 23)}`)}
      {card('trace', <TraceLink traceId={order.traceId} />)}
    </div>
  );
}

function Items(props: { order: OrderView }) {
  return (
    <table id="items">
      <thead>
        <tr>
          <th>sku</th>
          <th style="text-align:right">quantity</th>
          <th style="text-align:right">unit price</th>
          <th style="text-align:right">line total</th>
        </tr>
      </thead>
      <tbody>
        {props.order.items.map((item) => (
          <tr>
            <td class="mono">{item.sku}</td>
            <td style="text-align:right">{item.quantity}</td>
            <td style="text-align:right">{formatMoney(item.unitPrice)}</td>
            <td style="text-align:right">{formatMoney(item.unitPrice * item.quantity)}</td>
          </tr>
        ))}
        <tr>
          <td colSpan={3}>
            <b>total</b>
          </td>
          <td style="text-align:right">
            <b>{formatMoney(props.order.total)}</b>
          </td>
        </tr>
      </tbody>
    </table>
  );
}

function SagaSteps(props: { saga: SagaView; steps: SagaStepRow[] }) {
  return (
    <>
      <p>
        saga <code>{props.saga.sagaId}</code> ({props.saga.type}): <Badge value={props.saga.state} />
        {props.saga.needsAttention ? <span class="flag err">needs attention</span> : null}
        {props.saga.reason ? (
          <>
            {' '}
            reason <code>{props.saga.reason}</code>
          </>
        ) : null}
      </p>
      <table id="saga-steps">
        <thead>
          <tr>
            <th>#</th>
            <th>step</th>
            <th>kind</th>
            <th>status</th>
            <th style="text-align:right">attempts</th>
            <th>started (UTC)</th>
            <th>ended</th>
            <th style="text-align:right">took</th>
          </tr>
        </thead>
        <tbody>
          {props.steps.map((step) => (
            <tr
              class={step.kind === 'compensation' ? 'compensation' : undefined}
              data-kind={step.kind}
              data-step={step.name}
            >
              <td>{step.position}</td>
              <td class="mono">
                {step.name}
                {step.kind === 'compensation' ? <span class="flag comp">compensation</span> : null}
              </td>
              <td>{step.kind}</td>
              <td>
                <Badge value={step.status} />
              </td>
              <td style="text-align:right">{step.attempts}</td>
              <td class="mono">{step.startedAt.slice(11, 23)}</td>
              <td class="mono">{step.endedAt ? step.endedAt.slice(11, 23) : '–'}</td>
              <td style="text-align:right">{step.durationMs === null ? '–' : `${step.durationMs} ms`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function Votes(props: { transaction: TransactionView }) {
  const { transaction } = props;
  return (
    <>
      <p>
        transaction <code>{transaction.id}</code>: decision <Badge value={transaction.state} />
        {transaction.reason ? (
          <>
            {' '}
            reason <code>{transaction.reason}</code>
          </>
        ) : null}
      </p>
      <table id="votes">
        <thead>
          <tr>
            <th>participant</th>
            <th>vote</th>
            <th>outcome</th>
          </tr>
        </thead>
        <tbody>
          {transaction.participants.map((participant) => (
            <tr data-participant={participant.name}>
              <td>{participant.name}</td>
              <td>
                <Badge value={participant.vote} prefix="v" />
              </td>
              <td>
                <Badge value={participant.outcome} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function Messages(props: { rows: MessageRow[] }) {
  return (
    <table id="messages">
      <thead>
        <tr>
          <th style="text-align:right">lamport</th>
          <th>message (indented under its cause)</th>
          <th>from → topic</th>
          <th>partition@offset</th>
          <th>id / cause</th>
          <th>payload</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((row) => (
          <tr
            class={row.deadLetter ? 'dead-letter' : row.copy > 1 ? 'redelivered' : undefined}
            data-type={row.type}
            data-lamport={row.lamport}
            data-message-id={row.id}
          >
            <td class="mono" style="text-align:right">
              {row.lamport}
            </td>
            <td>
              <span class="depth" style={`width:${row.depth * 14}px`} />
              <b>{row.type}</b>
              {row.copy > 1 ? <span class="flag dup">redelivered (copy {row.copy})</span> : null}
              {row.deadLetter ? <span class="flag dl">dead letter: {row.deadLetter.reason}</span> : null}
              {row.replay ? (
                <span class="flag replay">
                  replayed by {row.replay.by} at {row.replay.at}
                </span>
              ) : null}
              {row.deadLetter?.error ? <div class="muted mono">{row.deadLetter.error}</div> : null}
            </td>
            <td class="mono">
              {row.source} → {row.topic}
            </td>
            <td class="mono">
              {row.partition}@{row.offset}
            </td>
            <td class="mono">
              {row.id.slice(0, 8)}
              {row.causationId ? <span class="muted"> ← {row.causationId.slice(0, 8)}</span> : null}
            </td>
            <td class="mono">{row.summary}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function OrderPage(props: OrderPageModel) {
  const { order } = props;
  return (
    <Layout title={`Order ${order.orderId}`} section="orders" operator={props.operator}>
      <h1>
        Order <code id="order-id">{order.orderId}</code>
      </h1>
      <Summary order={order} />
      <h2>Items</h2>
      <Items order={order} />
      {order.mode === 'orchestration' ? (
        <>
          <h2>Saga: steps and compensations, in order</h2>
          {props.saga ? <SagaSteps saga={props.saga.view} steps={props.saga.steps} /> : null}
          {props.sagaProblem ? <Problem>{props.sagaProblem}</Problem> : null}
        </>
      ) : null}
      {order.mode === '2pc' ? (
        <>
          <h2>Two-phase commit: votes and decision</h2>
          {props.transaction ? <Votes transaction={props.transaction} /> : null}
          {props.transactionProblem ? <Problem>{props.transactionProblem}</Problem> : null}
        </>
      ) : null}
      <h2>Kafka messages, in causal order ({props.messages.length})</h2>
      {props.messagesNote ? <p class="muted">{props.messagesNote}</p> : null}
      {props.messages.length > 0 ? <Messages rows={props.messages} /> : <p class="muted">None found.</p>}
      <h2>Trace</h2>
      <TraceSectionView trace={props.trace} />
    </Layout>
  );
}
