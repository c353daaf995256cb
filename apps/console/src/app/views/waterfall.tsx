import type { Operator } from '../session/session.js';
import type { Waterfall, WaterfallRow } from '../view-models/waterfall.js';
import { Layout, OrderLink } from './layout.js';

/** What the page can say about an order's trace. */
export type TraceSection =
  | { state: 'shown'; waterfall: Waterfall }
  | { state: 'none' }
  | { state: 'missing'; traceId: string }
  | { state: 'building'; notice: string }
  | { state: 'unavailable'; message: string };

/** A saga's spans nest one message deeper per step: past this depth the names would not fit. */
const MAX_INDENTED_DEPTH = 6;

function SpanRow(props: { row: WaterfallRow }) {
  const { row } = props;
  const classes = ['span-row', row.compensation ? 'compensation' : '', row.error ? 'error' : ''].filter(Boolean);
  return (
    <details class={classes.join(' ')} data-span-id={row.spanId} data-service={row.service}>
      <summary>
        <span class="name" title={row.name}>
          <span class="depth" style={`width:${Math.min(row.depth, MAX_INDENTED_DEPTH) * 10}px`} />
          <span class="span-name">{row.name}</span>
          {row.compensation ? <span class="flag comp">compensation</span> : null}
          {row.error ? <span class="flag err">error</span> : null}
        </span>
        <span class="track">
          <span class="bar" style={`left:${row.offsetPercent}%;width:${row.widthPercent}%`} />
        </span>
        <span class="dur">{row.durationMs.toFixed(1)} ms</span>
      </summary>
      <table class="attributes">
        <tbody>
          <tr>
            <th>span</th>
            <td class="mono">
              {row.spanId} at +{row.startMs.toFixed(1)} ms
              {row.parentSpanId ? `, child of ${row.parentSpanId}` : ', root'}
            </td>
          </tr>
          {row.attributes.map(([key, value]) => (
            <tr>
              <th class="mono">{key}</th>
              <td class="mono">{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

export function WaterfallView(props: { waterfall: Waterfall }) {
  const { waterfall } = props;
  return (
    <div>
      <p class="muted">
        trace <code>{waterfall.traceId}</code>: {waterfall.spanCount} spans in {waterfall.groups.length} services over{' '}
        {waterfall.durationMs.toFixed(1)} ms from {waterfall.startedAt}; {waterfall.compensations} compensation
        {waterfall.compensations === 1 ? '' : 's'}, {waterfall.errors} error{waterfall.errors === 1 ? '' : 's'}. Click a
        span for its attributes.
      </p>
      <div class="waterfall" id="waterfall">
        {waterfall.groups.map((group) => (
          <section data-service-group={group.service}>
            <div class="service">
              {group.service} <span class="muted">({group.rows.length} spans)</span>
            </div>
            {group.rows.map((row) => (
              <SpanRow row={row} />
            ))}
          </section>
        ))}
      </div>
    </div>
  );
}

export function TraceSectionView(props: { trace: TraceSection }) {
  const { trace } = props;
  switch (trace.state) {
    case 'shown':
      return <WaterfallView waterfall={trace.waterfall} />;
    case 'none':
      return <p class="muted">This order has no trace id.</p>;
    case 'missing':
      return (
        <p class="notice">
          Jaeger has no trace <code>{trace.traceId}</code> (yet: spans are exported every few seconds, and Jaeger keeps
          them in memory only while it runs).
        </p>
      );
    case 'building':
      return (
        <p class="notice" id="trace-notice">
          {trace.notice}
        </p>
      );
    case 'unavailable':
      return (
        <p class="notice" id="trace-notice">
          traces: Jaeger is not available ({trace.message}); everything else on this page is.
        </p>
      );
  }
}

export function TracePage(props: {
  operator: Operator;
  traceId: string;
  orderId?: string | undefined;
  trace: TraceSection;
}) {
  return (
    <Layout title={`Trace ${props.traceId}`} section="orders" operator={props.operator}>
      <h1>
        Trace <code>{props.traceId}</code>
      </h1>
      {props.orderId ? (
        <p>
          order <OrderLink orderId={props.orderId} />
        </p>
      ) : null}
      <TraceSectionView trace={props.trace} />
    </Layout>
  );
}
