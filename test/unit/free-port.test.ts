// dev/temporal-server.ts getFreePort: ports for processes that bind them later come from below the
// kernel's ephemeral range (an outgoing connection cannot take them meanwhile), never twice.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { ephemeralPortsFrom, getFreePort } from '../../dev/temporal-server';

describe('getFreePort', () => {
  it('hands out distinct, bindable ports below the ephemeral range', async () => {
    const below = ephemeralPortsFrom();
    const ports = await Promise.all(Array.from({ length: 20 }, () => getFreePort()));
    expect(new Set(ports).size).toBe(ports.length);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(20_000);
      expect(port).toBeLessThan(below);
      const srv = net.createServer();
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen({ port, host: '127.0.0.1' }, resolve);
      });
      await new Promise((r) => srv.close(r));
    }
  });
});
