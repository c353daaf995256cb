/** Where the operator console is (CONSOLE_URL; npm start sets it from CONSOLE_PORT). */
const consoleUrl = () => process.env['CONSOLE_URL'] ?? 'http://127.0.0.1:3006';

/** The console's page of an order and the waterfall of its trace, for the demo to print next to their ids. */
export function consoleLinks(orderId: string, traceId: string | null, baseUrl = consoleUrl()): string {
  const base = baseUrl.replace(/\/+$/, '');
  const order = `${base}/orders/${encodeURIComponent(orderId)}`;
  return traceId ? `${order}  (trace: ${base}/traces/${encodeURIComponent(traceId)})` : order;
}
