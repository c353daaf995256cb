import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { freePort, freePorts } from './free-port.js';

const ephemeralStart = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);

describe('free ports', () => {
  it('hands out distinct ports below the ephemeral range and the NodePorts, each one a server can listen on', async () => {
    const ports = await freePorts(20);
    assert.equal(new Set(ports).size, 20);
    for (const port of ports) {
      assert.ok(port >= 20_000 && port < Math.min(30_000, ephemeralStart), `port ${port}`);
      await new Promise<void>((resolve, reject) => {
        const server = createServer();
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
      });
    }
    const one = await freePort();
    assert.ok(one >= 20_000 && one < Math.min(30_000, ephemeralStart));
  });
});
