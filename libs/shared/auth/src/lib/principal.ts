/** Who a verified token says is calling. */
export interface Principal {
  /** The token's `sub`: a customer id for a customer's token. */
  subject: string;
  /** The token's scopes (`scope`, space-separated, or `scp`). */
  scopes: ReadonlySet<string>;
  /** The OAuth client a client-credentials token was issued to (`client_id`): names a service for a service's token. */
  clientId: string | undefined;
}

/** The scope that may set stock, prices and balances, read everything, and use the console and `/admin/*`. */
export const ADMIN_SCOPE = 'admin';

export function isAdmin(principal: Principal): boolean {
  return principal.scopes.has(ADMIN_SCOPE);
}

/** A service's own identity, as opposed to a person's: the token was issued to that service's client. */
export function isService(principal: Principal, clientId: string): boolean {
  return principal.clientId === clientId;
}

/** The customer a token speaks for: its subject, unless it is an admin's or a service's token. */
export function customerOf(principal: Principal): string | undefined {
  return isAdmin(principal) || principal.clientId !== undefined ? undefined : principal.subject;
}
