import type { ComponentChildren } from 'preact';
import type { Operator } from '../session/session.js';
import { STYLES } from './styles.js';

export type Section = 'orders' | 'dead-letters' | 'in-doubt' | 'sign-in';

export function Layout(props: {
  title: string;
  section: Section;
  operator?: Operator | undefined;
  scripts?: string[];
  children: ComponentChildren;
}) {
  const link = (section: Section, href: string, label: string) => (
    <a href={href} class={props.section === section ? 'active' : undefined}>
      {label}
    </a>
  );
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · dtx console`}</title>
        <style dangerouslySetInnerHTML={{ __html: STYLES }} />
      </head>
      <body>
        <header class="top">
          <strong>dtx console</strong>
          {props.operator ? (
            <>
              {link('orders', '/orders', 'Orders')}
              {link('dead-letters', '/dead-letters', 'Dead letters')}
              {link('in-doubt', '/in-doubt', '2PC in doubt')}
              <span class="who">
                signed in as <code>{props.operator.principal.subject}</code>
                <span class="muted">
                  until {new Date(props.operator.expiresAt * 1000).toISOString().slice(11, 16)} UTC
                </span>
                <form method="post" action="/sign-out">
                  <input type="hidden" name="_csrf" value={props.operator.csrfToken} />
                  <button type="submit">Sign out</button>
                </form>
              </span>
            </>
          ) : null}
        </header>
        <main>{props.children}</main>
        {(props.scripts ?? []).map((src) => (
          <script src={src} defer />
        ))}
      </body>
    </html>
  );
}

export function OrderLink(props: { orderId: string; short?: boolean }) {
  return (
    <a class="order-link mono" href={`/orders/${encodeURIComponent(props.orderId)}`}>
      {props.short ? props.orderId.slice(0, 8) : props.orderId}
    </a>
  );
}

export function TraceLink(props: { traceId: string | null | undefined }) {
  return props.traceId ? (
    <a class="trace-link mono" href={`/traces/${encodeURIComponent(props.traceId)}`}>
      {props.traceId}
    </a>
  ) : (
    <span class="muted">none</span>
  );
}

export function Badge(props: { value: string | null | undefined; prefix?: 's' | 'v' }) {
  return props.value ? (
    <span class={`badge ${props.prefix ?? 's'}-${props.value}`}>{props.value}</span>
  ) : (
    <span class="muted">–</span>
  );
}

export function Problem(props: { children: ComponentChildren }) {
  return <div class="error-box">{props.children}</div>;
}
