import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Where ports are chosen: above the well-known services and the infrastructure's ports, below the ephemeral range. */
const LOWEST_PORT = 20_000;
/** Kubernetes' NodePorts start here (the local cluster's tests); stay below them too. */
const NODE_PORTS_START = 30_000;
/** Linux's default, where /proc says nothing. */
const DEFAULT_EPHEMERAL_START = 32_768;

/** The first port the kernel may give an outgoing connection as its local port. */
function ephemeralRangeStart(): number {
  try {
    const first = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(first) && first > 0 ? first : DEFAULT_EPHEMERAL_START;
  } catch {
    return DEFAULT_EPHEMERAL_START;
  }
}

/** Whether a server could listen on `port` of 127.0.0.1 just now. */
function canListenOn(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** `count` distinct free ports (see freePort), chosen at random where the kernel never picks ports itself. */
export async function freePorts(count: number): Promise<number[]> {
  const highest = Math.min(NODE_PORTS_START, ephemeralRangeStart()) - 1;
  const chosen = new Set<number>();
  for (let attempt = 0; chosen.size < count; attempt++) {
    if (attempt >= 100 * count) {
      throw new Error(`found only ${chosen.size} of ${count} free ports in ${LOWEST_PORT}-${highest}`);
    }
    const port = randomInt(LOWEST_PORT, highest + 1);
    if (!chosen.has(port) && (await canListenOn(port))) {
      chosen.add(port);
    }
  }
  return [...chosen];
}

/**
 * A TCP port on 127.0.0.1 that nothing listens on right now, for a process
 * about to be started. It is chosen below the ephemeral range: a port the
 * kernel handed out (port 0) could be given to any outgoing connection, a
 * Kafka client's, say, before the process listens on it (EADDRINUSE).
 */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  if (port === undefined) {
    throw new Error('no free port');
  }
  return port;
}
