/** The URL of another database of the same server, as another user when given. */
export function databaseUrl(adminUrl: string, database: string, as?: { user: string; password: string }): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  if (as) {
    url.username = encodeURIComponent(as.user);
    url.password = encodeURIComponent(as.password);
  }
  return url.toString();
}
